using System.Security.Claims;
using Coordination.V1;

namespace Coordination.WebConsole.Platform;

/// <summary>
/// The signed-in person as the console keeps them: the platform's token and what it says about the
/// person, in the encrypted session cookie. Nothing here grants anything: the platform checks the
/// token on every call.
/// </summary>
public static class Session
{
    /// <summary>Claim holding the platform's bearer token.</summary>
    public const string TokenClaim = "coord:token";

    /// <summary>Claim holding the account, <c>users/{username}</c>.</summary>
    public const string UserClaim = "coord:user";

    /// <summary>Claim holding the role, e.g. WARD_OFFICER.</summary>
    public const string RoleClaim = "coord:role";

    /// <summary>Claim holding the jurisdiction: city, wards/{ward} or agencies/{agency}.</summary>
    public const string ScopeClaim = "coord:scope";

    /// <summary>Claim holding the preferred language, vi or en.</summary>
    public const string LanguageClaim = "coord:lang";

    /// <summary>Claim marking a one-time password that must be changed.</summary>
    public const string MustChangePasswordClaim = "coord:must-change-password";

    /// <summary>The token of <paramref name="user"/>, or null when nobody is signed in.</summary>
    public static string? TokenOf(ClaimsPrincipal? user) => user?.FindFirst(TokenClaim)?.Value;

    /// <summary>The principal to keep in the cookie after a password sign-in.</summary>
    public static ClaimsPrincipal FromSignIn(SignInResponse r) => Principal(
        r.AccessToken, r.Account.Name, r.Account.DisplayName, RoleName(r.Account.Role), r.Account.Scope,
        r.Account.LanguageCode, r.Account.PasswordChangeRequired, "password");

    /// <summary>Builds the cookie principal.</summary>
    public static ClaimsPrincipal Principal(
        string token, string user, string displayName, string role, string scope, string language, bool mustChangePassword, string method)
    {
        var claims = new List<Claim>
        {
            new(TokenClaim, token),
            new(UserClaim, user),
            new(ClaimTypes.Name, displayName),
            new(RoleClaim, role),
            new(ScopeClaim, scope),
            new(LanguageClaim, language is "en" ? "en" : "vi"),
        };
        if (mustChangePassword)
        {
            claims.Add(new Claim(MustChangePasswordClaim, "1"));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, method, ClaimTypes.Name, RoleClaim));
    }

    /// <summary>The role name the platform uses in tokens for a <see cref="StaffRole"/>.</summary>
    public static string RoleName(StaffRole role) => role switch
    {
        StaffRole.CentreCoordinator => Me.Coordinator,
        StaffRole.CaseWorker => Me.CaseWorker,
        StaffRole.Auditor => Me.Auditor,
        StaffRole.WardViceChair => Me.ViceChair,
        StaffRole.WardOfficer => Me.Officer,
        StaffRole.AgencyLiaison => Me.Liaison,
        _ => "UNSPECIFIED",
    };
}

/// <summary>Who is signed in, for choosing what to offer (the platform still decides).</summary>
public sealed record Me(string User, string DisplayName, string Role, string Scope, string Language, bool MustChangePassword)
{
    /// <summary>Role of the Centre's coordinators.</summary>
    public const string Coordinator = "CENTRE_COORDINATOR";
    /// <summary>Role of the Centre's case workers.</summary>
    public const string CaseWorker = "CASE_WORKER";
    /// <summary>Role of auditors.</summary>
    public const string Auditor = "AUDITOR";
    /// <summary>Role of ward vice-chairs.</summary>
    public const string ViceChair = "WARD_VICE_CHAIR";
    /// <summary>Role of ward officers.</summary>
    public const string Officer = "WARD_OFFICER";
    /// <summary>Role of department liaisons.</summary>
    public const string Liaison = "AGENCY_LIAISON";

    /// <summary>The person of a cookie principal, or null when nobody is signed in.</summary>
    public static Me? Of(ClaimsPrincipal? user) =>
        user?.FindFirst(Session.UserClaim)?.Value is { } name
            ? new Me(name, user.FindFirst(ClaimTypes.Name)?.Value ?? "", user.FindFirst(Session.RoleClaim)?.Value ?? "",
                user.FindFirst(Session.ScopeClaim)?.Value ?? "", user.FindFirst(Session.LanguageClaim)?.Value ?? "vi",
                user.HasClaim(c => c.Type == Session.MustChangePasswordClaim))
            : null;

    /// <summary>The username part of <see cref="User"/>.</summary>
    public string Username => User.StartsWith("users/", StringComparison.Ordinal) ? User["users/".Length..] : User;

    /// <summary>Coordinator of the Centre.</summary>
    public bool IsCoordinator => Role == Coordinator;

    /// <summary>Sees the whole city (coordinators, case workers, auditors).</summary>
    public bool SeesCity => Role is Coordinator or CaseWorker or Auditor;

    /// <summary>Read-only auditor.</summary>
    public bool IsAuditor => Role == Auditor;

    /// <summary>Vice-chair of a ward.</summary>
    public bool IsViceChair => Role == ViceChair;

    /// <summary>Officer of a ward.</summary>
    public bool IsOfficer => Role == Officer;

    /// <summary>Liaison of a department or agency.</summary>
    public bool IsLiaison => Role == Liaison;

    /// <summary>The person's ward, <c>wards/{ward}</c>, or null.</summary>
    public string? Ward => Scope.StartsWith("wards/", StringComparison.Ordinal) ? Scope : null;

    /// <summary>The person's agency, <c>agencies/{agency}</c>, or null.</summary>
    public string? Agency => Scope.StartsWith("agencies/", StringComparison.Ordinal) ? Scope : null;

    /// <summary>May change cases (not auditors, not liaisons).</summary>
    public bool WritesCases => Role is Coordinator or CaseWorker or ViceChair or Officer;

    /// <summary>
    /// The inbox of the person's office: the ward's, or the Centre's for its coordinators and case
    /// workers; null for auditors and liaisons (a liaison's work list is their agency's tasks).
    /// </summary>
    public string? OfficeInbox => Ward is { } w ? w + "/inbox" : Role is Coordinator or CaseWorker ? "centre/inbox" : null;
}
