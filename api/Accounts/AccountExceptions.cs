using Coordination.Silo.Common;

namespace Coordination.Api.Accounts;

/// <summary>
/// A sign-in that did not authenticate (UNAUTHENTICATED). A wrong username, a wrong password and a
/// disabled account all give the same message; a locked account says until when.
/// </summary>
public sealed class SignInRefusedException : CoordinationException
{
    private SignInRefusedException(string reason, string message, DateTimeOffset? lockedUntil) : base(reason, message) => LockedUntil = lockedUntil;

    /// <summary>Until when the account is locked (reason ACCOUNT_LOCKED), or null.</summary>
    public DateTimeOffset? LockedUntil { get; }

    /// <summary>Wrong username or password, or a disabled account: the caller is not told which.</summary>
    public static SignInRefusedException Failed() =>
        new("SIGN_IN_FAILED", "Wrong username or password / sai tên đăng nhập hoặc mật khẩu.", null);

    /// <summary>The account is locked after repeated failures.</summary>
    public static SignInRefusedException Locked(DateTimeOffset until) =>
        new("ACCOUNT_LOCKED",
            $"The account is locked after repeated failed sign-ins until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} / tài khoản bị tạm khóa do đăng nhập sai nhiều lần, đến {Silo.Calendar.WorkingCalendar.FormatLocal(until)}.",
            until);
}
