using System.Security.Cryptography;
using Coordination.Api.Accounts;
using Coordination.Silo.Common;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.UnitTests;

public sealed class AccountRulesTests
{
    [Theory]
    [InlineData("hai-chau-1-officer")]
    [InlineData("coordinator")]
    [InlineData("abc")]
    [InlineData("1st.liaison_b")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Usernames_of_lower_case_letters_digits_dots_dashes_and_underscores_are_valid(string username) =>
        Assert.True(AccountRules.IsValidUsername(username));

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("Coordinator")]
    [InlineData("-officer")]
    [InlineData(".officer")]
    [InlineData("_officer")]
    [InlineData("nguyễn")]
    [InlineData("has space")]
    [InlineData("users/officer")]
    [InlineData("a2345678901234567890123456789012345678901234567890123456789012345")]
    public void Other_usernames_are_refused(string username) => Assert.False(AccountRules.IsValidUsername(username));

    [Fact]
    public void A_password_is_long_enough_not_the_username_and_not_the_current_one()
    {
        Assert.Null(AccountRules.PasswordProblem("một mật khẩu dài", "officer"));
        Assert.NotNull(AccountRules.PasswordProblem("short", "officer"));
        Assert.NotNull(AccountRules.PasswordProblem("coordinator", "coordinator"));
        Assert.NotNull(AccountRules.PasswordProblem("Coordinator", "coordinator"));
        Assert.NotNull(AccountRules.PasswordProblem("the same password", "officer", "the same password"));
        Assert.NotNull(AccountRules.PasswordProblem(new string('x', 257), "officer"));
    }

    [Theory]
    [InlineData(Actor.CentreCoordinator, "city", null, null)]
    [InlineData(Actor.CaseWorker, "city", null, null)]
    [InlineData(Actor.Auditor, "city", null, null)]
    [InlineData(Actor.WardViceChair, "wards/hai-chau-1", "wards", "hai-chau-1")]
    [InlineData(Actor.WardOfficer, "wards/xuan-ha", "wards", "xuan-ha")]
    [InlineData(Actor.AgencyLiaison, "agencies/xuan-ha-police", "agencies", "xuan-ha-police")]
    public void Each_role_fits_its_kind_of_scope(string role, string scope, string? collection, string? id)
    {
        var (c, i, problem) = AccountRules.CheckScope(role, scope);
        Assert.Null(problem);
        Assert.Equal(collection, c);
        Assert.Equal(id, i);
    }

    [Theory]
    [InlineData(Actor.CentreCoordinator, "wards/hai-chau-1")]
    [InlineData(Actor.Auditor, "")]
    [InlineData(Actor.WardOfficer, "city")]
    [InlineData(Actor.WardOfficer, "agencies/hai-chau-1-police")]
    [InlineData(Actor.WardViceChair, "wards/")]
    [InlineData(Actor.AgencyLiaison, "wards/hai-chau-1")]
    [InlineData(Actor.AgencyLiaison, "agencies/Bad Id")]
    public void A_scope_of_another_kind_is_refused(string role, string scope) =>
        Assert.NotNull(AccountRules.CheckScope(role, scope).Problem);

    private static readonly DateTimeOffset Now = new(2027, 3, 1, 8, 0, 0, TimeSpan.FromHours(7));
    private static readonly TimeSpan Lock = TimeSpan.FromMinutes(15);

    [Fact]
    public void Four_failures_are_counted_and_the_fifth_in_a_row_locks_for_the_lock_duration()
    {
        var state = LockoutState.Clear;
        for (var i = 1; i <= 4; i++)
        {
            state = state.AfterFailure(Now, 5, Lock);
            Assert.Equal(i, state.FailedSignIns);
            Assert.False(state.IsLocked(Now));
        }
        state = state.AfterFailure(Now, 5, Lock);
        Assert.True(state.IsLocked(Now));
        Assert.True(state.IsLocked(Now + Lock - TimeSpan.FromSeconds(1)));
        Assert.False(state.IsLocked(Now + Lock));
        // The series starts again once the lock has ended.
        Assert.Equal(0, state.FailedSignIns);
        var after = state.AfterFailure(Now + Lock, 5, Lock);
        Assert.Equal(1, after.FailedSignIns);
        Assert.False(after.IsLocked(Now + Lock));
    }

    [Fact]
    public void The_lock_ends_on_a_whole_second_so_a_sign_in_at_the_second_told_is_not_refused()
    {
        var odd = Now.AddMilliseconds(400.5);
        var state = LockoutState.Clear;
        for (var i = 0; i < 5; i++)
        {
            state = state.AfterFailure(odd, 5, Lock);
        }
        // 08:15:00.4005 rounds up to 08:15:01, never down to 08:15:00 (a client told "until 08:15:00"
        // that tries then would be refused).
        Assert.Equal(Now + Lock + TimeSpan.FromSeconds(1), state.LockedUntil);
        Assert.True(state.IsLocked(Now + Lock + TimeSpan.FromMilliseconds(999)));
        Assert.False(state.IsLocked(Now + Lock + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_success_between_failures_starts_the_count_again()
    {
        var state = LockoutState.Clear.AfterFailure(Now, 5, Lock).AfterFailure(Now, 5, Lock).AfterFailure(Now, 5, Lock);
        Assert.Equal(3, state.FailedSignIns);
        // A successful sign-in writes LockoutState.Clear: four more failures do not lock.
        state = LockoutState.Clear;
        for (var i = 0; i < 4; i++)
        {
            state = state.AfterFailure(Now, 5, Lock);
        }
        Assert.False(state.IsLocked(Now));
    }

    [Fact]
    public void One_time_passwords_are_random_long_enough_and_kept_only_for_their_own_request()
    {
        var passwords = Enumerable.Range(0, 100).Select(_ => OneTimePasswords.Generate()).ToList();
        Assert.Equal(100, passwords.Distinct().Count());
        Assert.All(passwords, p => Assert.Matches("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$", p));

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var vault = new OneTimePasswords(new ECDsaSecurityKey(ecdsa));
        var sealedPassword = vault.Protect(passwords[0], "users/coordinator\nr1\nofficer");
        Assert.Equal(passwords[0], vault.Unprotect(sealedPassword, "users/coordinator\nr1\nofficer"));
        Assert.Null(vault.Unprotect(sealedPassword, "users/coordinator\nr2\nofficer"));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Null(new OneTimePasswords(new ECDsaSecurityKey(other)).Unprotect(sealedPassword, "users/coordinator\nr1\nofficer"));
    }
}
