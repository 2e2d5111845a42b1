using Coordination.Api.Accounts;
using Coordination.Silo.Common;
using V1 = Coordination.V1;

namespace Coordination.Api.Grpc;

/// <summary>Translation between account messages and records, in one place.</summary>
public static class AccountMapping
{
    private static readonly (V1.StaffRole Proto, string Role)[] Roles =
    [
        (V1.StaffRole.CentreCoordinator, Actor.CentreCoordinator),
        (V1.StaffRole.WardViceChair, Actor.WardViceChair),
        (V1.StaffRole.WardOfficer, Actor.WardOfficer),
        (V1.StaffRole.AgencyLiaison, Actor.AgencyLiaison),
        (V1.StaffRole.Auditor, Actor.Auditor),
        (V1.StaffRole.CaseWorker, Actor.CaseWorker),
    ];

    /// <summary>The platform's role name of <paramref name="role"/> (e.g. WARD_OFFICER), or null for UNSPECIFIED and unknown values.</summary>
    public static string? RoleName(V1.StaffRole role) => Roles.FirstOrDefault(r => r.Proto == role).Role;

    /// <summary>The contract's value of a role name.</summary>
    public static V1.StaffRole StaffRole(string role) => Roles.FirstOrDefault(r => r.Role == role).Proto;

    /// <summary>Account record → message (never the password hash).</summary>
    public static V1.Account ToMessage(this AccountRecord a, DateTimeOffset now) => new()
    {
        Name = a.Principal,
        Username = a.Username,
        DisplayName = a.DisplayName,
        Role = StaffRole(a.Role),
        Scope = a.Scope,
        Enabled = a.Enabled,
        LanguageCode = a.LanguageCode,
        PasswordChangeRequired = a.PasswordChangeRequired,
        LockedUntil = a.Lockout.IsLocked(now) ? a.LockedUntil.ToTimestamp() : null,
        LastSignInTime = a.LastSignInTime.ToTimestamp(),
        CreateTime = a.CreateTime.ToTimestamp(),
        UpdateTime = a.UpdateTime.ToTimestamp(),
        Etag = Etags.For(a.Version),
    };
}
