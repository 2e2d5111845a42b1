using System.Text.RegularExpressions;
using Coordination.Silo.Common;

namespace Coordination.Api.Accounts;

/// <summary>
/// The rules of accounts as pure functions: what a username and a password may be, which scope
/// fits which role, and the lockout after failed sign-ins.
/// </summary>
public static partial class AccountRules
{
    /// <summary>Languages of the console.</summary>
    public static readonly string[] Languages = ["vi", "en"];

    /// <summary>Shortest password a person may choose.</summary>
    public const int MinPasswordLength = 10;

    /// <summary>Longest password accepted (hashing cost is bounded).</summary>
    public const int MaxPasswordLength = 256;

    /// <summary>Roles a person's account may have (agency systems hold credentials, not accounts).</summary>
    public static readonly string[] Roles =
        [Actor.CentreCoordinator, Actor.CaseWorker, Actor.Auditor, Actor.WardViceChair, Actor.WardOfficer, Actor.AgencyLiaison];

    /// <summary>Whether <paramref name="username"/> is a valid sign-in name: 3–64 of a-z 0-9 . - _, starting with a letter or digit.</summary>
    public static bool IsValidUsername(string username) => UsernamePattern().IsMatch(username);

    /// <summary>What is wrong with <paramref name="password"/> as a new password for <paramref name="username"/>, or null.</summary>
    public static string? PasswordProblem(string password, string username, string? current = null)
    {
        if (password.Length < MinPasswordLength)
        {
            return $"At least {MinPasswordLength} characters / tối thiểu {MinPasswordLength} ký tự.";
        }
        if (password.Length > MaxPasswordLength)
        {
            return $"At most {MaxPasswordLength} characters / tối đa {MaxPasswordLength} ký tự.";
        }
        if (string.Equals(password.Trim(), username, StringComparison.OrdinalIgnoreCase))
        {
            return "Must not be the username / không được trùng tên đăng nhập.";
        }
        return current is not null && password == current
            ? "Must differ from the current password / phải khác mật khẩu hiện tại."
            : null;
    }

    /// <summary>
    /// Which kind of scope <paramref name="role"/> needs, and whether <paramref name="scope"/> has
    /// it: <c>city</c> for city roles, <c>wards/{ward}</c> for ward roles, <c>agencies/{agency}</c>
    /// for liaisons. Returns the collection and id to look up in the directory (null id for city),
    /// or a problem to report.
    /// </summary>
    public static (string? Collection, string? Id, string? Problem) CheckScope(string role, string scope)
    {
        var (collection, example) = role switch
        {
            Actor.WardViceChair or Actor.WardOfficer => ("wards", "wards/{ward}"),
            Actor.AgencyLiaison => ("agencies", "agencies/{agency}"),
            _ => ((string?)null, "city"),
        };
        if (collection is null)
        {
            return scope == "city" ? (null, null, null) : (null, null, $"This role works city-wide: the scope must be 'city' / phạm vi phải là 'city'.");
        }
        var prefix = collection + "/";
        return scope.StartsWith(prefix, StringComparison.Ordinal) && IdPattern().IsMatch(scope.AsSpan(prefix.Length))
            ? (collection, scope[prefix.Length..], null)
            : (null, null, $"This role needs a scope like {example} / phạm vi phải có dạng {example}.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{2,63}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{2,62}$")]
    private static partial Regex IdPattern();
}

/// <summary>The failed-sign-in counter and lock of one account, and how an attempt changes them.</summary>
public readonly record struct LockoutState(int FailedSignIns, DateTimeOffset? LockedUntil)
{
    /// <summary>Whether the account is locked at <paramref name="now"/>.</summary>
    public bool IsLocked(DateTimeOffset now) => LockedUntil > now;

    /// <summary>
    /// After a wrong password on an account that is not locked: the failure is counted (a lock
    /// that has ended starts a new series), and the <paramref name="max"/>-th in a row locks the
    /// account for <paramref name="duration"/> and starts the count again.
    /// </summary>
    public LockoutState AfterFailure(DateTimeOffset now, int max, TimeSpan duration)
    {
        var failures = FailedSignIns + 1;
        return failures >= max ? new LockoutState(0, WholeSecondAfter(now + duration)) : new LockoutState(failures, LockedUntil);
    }

    /// <summary>
    /// The lock's end rounded up to the whole second: people and clients are told the time to the
    /// second, and a sign-in at the time they were told must not still be refused.
    /// </summary>
    private static DateTimeOffset WholeSecondAfter(DateTimeOffset t)
    {
        var rest = t.UtcTicks % TimeSpan.TicksPerSecond;
        return rest == 0 ? t : t.AddTicks(TimeSpan.TicksPerSecond - rest);
    }

    /// <summary>After a successful sign-in (or a reset): nothing counted, no lock.</summary>
    public static LockoutState Clear => new(0, null);
}
