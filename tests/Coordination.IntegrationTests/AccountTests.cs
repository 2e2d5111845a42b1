using System.Diagnostics;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>A seeded host whose account locks last 4 seconds, so a test can watch a lock end.</summary>
public sealed class AccountHostFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public PlatformHost Host { get; private set; } = null!;
    public Credentials Credentials { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Host = await PlatformHost.StartAsync(Database.ConnectionString, seedDemo: true, environment: new Dictionary<string, string>
        {
            ["Accounts__LockDuration"] = "00:00:04",
        });
        Credentials = Credentials.Load(Host.DataDirectory);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>People's accounts through the real host: sign-in, lockout, sessions, administration.</summary>
[Collection(Lanes.Work)]
public sealed class AccountTests(AccountHostFixture fixture) : IClassFixture<AccountHostFixture>
{
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");

    private AccountService.AccountServiceClient Anonymous => new(fixture.Host.Channel);

    private AccountService.AccountServiceClient Admin => new(fixture.Host.As(Coordinator));

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    private static string Rid() => Guid.NewGuid().ToString();

    private Task<SignInResponse> SignIn(string username, string? password = null) =>
        Anonymous.SignInAsync(new SignInRequest { Username = username, Password = password ?? fixture.Credentials.Password(username) }).ResponseAsync;

    private Task<Ward> GetWard(string token) =>
        new DirectoryService.DirectoryServiceClient(fixture.Host.Channel)
            .GetWardAsync(new GetWardRequest { Name = "wards/hai-chau-1" }, Bearer(token)).ResponseAsync;

    /// <summary>Calls until the token is refused; returns how long that took (fails after 15 s).</summary>
    private static async Task<TimeSpan> UntilRefused(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                await call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                return watch.Elapsed;
            }
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException("The token was still accepted after 15 s.");
    }

    private async Task<List<AuditEvent>> AuditOf(string principal) =>
        [.. (await new AuditService.AuditServiceClient(fixture.Host.As(Coordinator))
            .ListAuditEventsAsync(new ListAuditEventsRequest { Principal = principal, PageSize = 500 })).Events];

    private async Task<CreateAccountResponse> NewAccount(string username, StaffRole role = StaffRole.WardOfficer, string scope = "wards/man-thai") =>
        await Admin.CreateAccountAsync(new CreateAccountRequest
        {
            RequestId = Rid(),
            Account = new Account { Username = username, DisplayName = "Nguyễn Thị Thử", Role = role, Scope = scope },
        });

    [Fact]
    public async Task A_person_signs_in_with_the_demo_password_and_the_token_works()
    {
        var signedIn = await SignIn("hai-chau-1-officer");

        Assert.Equal("users/hai-chau-1-officer", signedIn.Account.Name);
        Assert.Equal(StaffRole.WardOfficer, signedIn.Account.Role);
        Assert.Equal("wards/hai-chau-1", signedIn.Account.Scope);
        Assert.False(signedIn.Account.PasswordChangeRequired);
        var lifetime = signedIn.ExpireTime.ToDateTimeOffset() - DateTimeOffset.UtcNow;
        Assert.InRange(lifetime, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8));
        Assert.Equal("Phường Hải Châu I", (await GetWard(signedIn.AccessToken)).DisplayName);
        var own = await new AccountService.AccountServiceClient(fixture.Host.Channel)
            .GetAccountAsync(new GetAccountRequest { Name = "users/hai-chau-1-officer" }, Bearer(signedIn.AccessToken));
        Assert.NotNull(own.LastSignInTime);
        // Another person's account is not theirs to read.
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => new AccountService.AccountServiceClient(fixture.Host.Channel)
            .GetAccountAsync(new GetAccountRequest { Name = "users/coordinator" }, Bearer(signedIn.AccessToken)).ResponseAsync);
        // Usernames are case-insensitive as typed.
        Assert.Equal("users/hai-chau-1-officer", (await SignIn(" Hai-Chau-1-Officer ", fixture.Credentials.Password("hai-chau-1-officer"))).Account.Name);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        var wrong = await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn("thach-thang-officer", "not-the-password"));
        var unknown = await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn("nobody-here", "not-the-password"));

        Assert.Equal(wrong.Status.Detail, unknown.Status.Detail);
        Assert.Equal("SIGN_IN_FAILED", wrong.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        var audit = await AuditOf("users/thach-thang-officer");
        Assert.Contains(audit, e => e.Method == "coordination.v1.AccountService/SignIn" && e.Outcome == "UNAUTHENTICATED" && e.Detail.StartsWith("WRONG_PASSWORD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_against_the_right_password_until_the_lock_ends_and_the_lock_is_audited()
    {
        const string user = "an-hai-bac-officer";
        for (var i = 1; i <= 4; i++)
        {
            var e = await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn(user, "wrong-password-" + i));
            Assert.Equal("SIGN_IN_FAILED", e.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        }
        var fifth = await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn(user, "wrong-password-5"));
        Assert.Equal("ACCOUNT_LOCKED", fifth.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);

        // The sixth, with the right password, is refused while the lock lasts, and says until when.
        var sixth = await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn(user));
        var info = sixth.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("ACCOUNT_LOCKED", info.Reason);
        var until = DateTimeOffset.Parse(info.Metadata["locked_until"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(5));
        var account = await Admin.GetAccountAsync(new GetAccountRequest { Name = "users/" + user });
        Assert.NotNull(account.LockedUntil);

        // Failures and the lock are written with the account; a refusal while locked a moment later.
        var audit = await AuditOf("users/" + user);
        for (var i = 0; i < 30 && !audit.Any(e => e.Detail.StartsWith("REFUSED_LOCKED", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(100);
            audit = await AuditOf("users/" + user);
        }
        Assert.Equal(5, audit.Count(e => e.Detail.StartsWith("WRONG_PASSWORD", StringComparison.Ordinal)));
        Assert.Single(audit, e => e.Detail.StartsWith("ACCOUNT_LOCKED", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Detail.StartsWith("REFUSED_LOCKED", StringComparison.Ordinal));

        // The lock ends (4 s in this host) and the right password works again.
        await Task.Delay(until - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500));
        Assert.Equal("users/" + user, (await SignIn(user)).Account.Name);
    }

    [Fact]
    public async Task A_reset_unlocks_shows_a_one_time_password_once_and_a_retry_with_the_same_request_id_returns_the_same()
    {
        const string user = "man-thai-officer";
        for (var i = 0; i < 5; i++)
        {
            await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn(user, "wrong-password"));
        }
        var live = await SignIn("man-thai-vice-chair");

        var rid = Rid();
        var reset = await Admin.ResetPasswordAsync(new ResetPasswordRequest { Name = "users/" + user, RequestId = rid });
        var retry = await Admin.ResetPasswordAsync(new ResetPasswordRequest { Name = "users/" + user, RequestId = rid });
        Assert.Equal(reset.OneTimePassword, retry.OneTimePassword);
        Assert.Equal(reset.Account, retry.Account);
        Assert.True(reset.Account.PasswordChangeRequired);
        Assert.Null(reset.Account.LockedUntil);
        Assert.True(reset.OneTimePassword.Length >= 10);
        var again = await Admin.ResetPasswordAsync(new ResetPasswordRequest { Name = "users/" + user, RequestId = Rid() });
        Assert.NotEqual(reset.OneTimePassword, again.OneTimePassword);
        // Only the coordinator resets, and a vice-chair's token is unaffected by another person's reset.
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => new AccountService.AccountServiceClient(fixture.Host.Channel)
            .ResetPasswordAsync(new ResetPasswordRequest { Name = "users/" + user, RequestId = Rid() }, Bearer(live.AccessToken)).ResponseAsync);

        // The one-time password signs in, but the token only serves to change it.
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn(user, reset.OneTimePassword));
        var first = await SignIn(user, again.OneTimePassword);
        Assert.True(first.Account.PasswordChangeRequired);
        var gated = await RpcAssert.Fails(StatusCode.FailedPrecondition, () => GetWard(first.AccessToken));
        Assert.Equal("PASSWORD_CHANGE_REQUIRED", gated.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        var own = new AccountService.AccountServiceClient(fixture.Host.Channel);
        await own.ChangePasswordAsync(new ChangePasswordRequest
        {
            Name = "users/" + user, CurrentPassword = again.OneTimePassword, NewPassword = "Mật khẩu mới của tôi 1", RequestId = Rid(),
        }, Bearer(first.AccessToken));
        var second = await SignIn(user, "Mật khẩu mới của tôi 1");
        Assert.False(second.Account.PasswordChangeRequired);
        Assert.Equal("Phường Hải Châu I", (await GetWard(second.AccessToken)).DisplayName);

        var audit = await AuditOf("users/coordinator");
        Assert.Contains(audit, e => e.Resource == "users/" + user && e.Detail.StartsWith("PASSWORD_RESET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disabling_an_account_revokes_its_live_token_within_10_seconds()
    {
        const string user = "xuan-ha-police-liaison";
        var signedIn = await SignIn(user);
        var tasks = new TaskService.TaskServiceClient(fixture.Host.Channel);
        Task Call() => tasks.ListTasksAsync(new ListTasksRequest { Assignee = "agencies/xuan-ha-police" }, Bearer(signedIn.AccessToken)).ResponseAsync;
        await Call();
        // A token without a session (as coord token issue makes them) for the same person.
        var issued = fixture.Host.TokenFor(new Coordination.Silo.Common.Actor("users/" + user, "Cán bộ liên lạc", Coordination.Silo.Common.Actor.AgencyLiaison, "agencies/xuan-ha-police"));
        Task CallIssued() => tasks.ListTasksAsync(new ListTasksRequest { Assignee = "agencies/xuan-ha-police" }, Bearer(issued)).ResponseAsync;
        await CallIssued();

        var account = await Admin.GetAccountAsync(new GetAccountRequest { Name = "users/" + user });
        var disabled = await Admin.UpdateAccountAsync(new UpdateAccountRequest
        {
            Account = new Account { Name = account.Name, Etag = account.Etag, Enabled = false },
            UpdateMask = FieldMask.FromString("enabled"),
            RequestId = Rid(),
        });
        Assert.False(disabled.Enabled);

        Assert.True(await UntilRefused(Call) < TimeSpan.FromSeconds(10));
        Assert.True(await UntilRefused(CallIssued) < TimeSpan.FromSeconds(10));
        var again = await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn(user));
        Assert.Equal("SIGN_IN_FAILED", again.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.DoesNotContain((await Admin.ListAccountsAsync(new ListAccountsRequest { Scope = "agencies/xuan-ha-police" })).Accounts, a => a.Name == account.Name);
        Assert.Contains((await Admin.ListAccountsAsync(new ListAccountsRequest { Scope = "agencies/xuan-ha-police", IncludeDisabled = true })).Accounts,
            a => a.Name == account.Name);
        var audit = await AuditOf("users/coordinator");
        Assert.Contains(audit, e => e.Resource == account.Name && e.Detail.StartsWith("DISABLED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signing_out_ends_the_token_and_a_token_without_a_session_cannot_sign_out()
    {
        var signedIn = await SignIn("thanh-khe-dong-officer");
        await GetWard(signedIn.AccessToken);

        await new AccountService.AccountServiceClient(fixture.Host.Channel).SignOutAsync(new SignOutRequest(), Bearer(signedIn.AccessToken));

        await RpcAssert.Fails(StatusCode.Unauthenticated, () => GetWard(signedIn.AccessToken));
        var noSession = await RpcAssert.Fails(StatusCode.FailedPrecondition, () => Admin.SignOutAsync(new SignOutRequest()).ResponseAsync);
        Assert.Equal("NO_SESSION", noSession.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.Contains(await AuditOf("users/thanh-khe-dong-officer"), e => e.Detail.StartsWith("SIGNED_OUT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Changing_the_password_keeps_the_calling_session_and_ends_the_others()
    {
        const string user = "thach-thang-vice-chair";
        var password = fixture.Credentials.Password(user);
        var phone = await SignIn(user);
        var laptop = await SignIn(user);
        var own = new AccountService.AccountServiceClient(fixture.Host.Channel);

        await RpcAssert.FailsWithFields(() => own.ChangePasswordAsync(new ChangePasswordRequest
        {
            Name = "users/" + user, CurrentPassword = password, NewPassword = "short", RequestId = Rid(),
        }, Bearer(laptop.AccessToken)).ResponseAsync, "new_password");
        await RpcAssert.FailsWithFields(() => own.ChangePasswordAsync(new ChangePasswordRequest
        {
            Name = "users/" + user, CurrentPassword = "not-the-current-one", NewPassword = "một mật khẩu đủ dài", RequestId = Rid(),
        }, Bearer(laptop.AccessToken)).ResponseAsync, "current_password");
        // Someone else's password is not theirs to change.
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => own.ChangePasswordAsync(new ChangePasswordRequest
        {
            Name = "users/thach-thang-officer", CurrentPassword = password, NewPassword = "một mật khẩu đủ dài", RequestId = Rid(),
        }, Bearer(laptop.AccessToken)).ResponseAsync);

        var request = new ChangePasswordRequest { Name = "users/" + user, CurrentPassword = password, NewPassword = "một mật khẩu đủ dài", RequestId = Rid() };
        await own.ChangePasswordAsync(request, Bearer(laptop.AccessToken));
        // A retry changes nothing and succeeds.
        await own.ChangePasswordAsync(request, Bearer(laptop.AccessToken));

        await RpcAssert.Fails(StatusCode.Unauthenticated, () => GetWard(phone.AccessToken));
        Assert.Equal("Phường Hải Châu I", (await GetWard(laptop.AccessToken)).DisplayName);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn(user, password));
        await SignIn(user, "một mật khẩu đủ dài");
        Assert.Contains(await AuditOf("users/" + user), e => e.Detail.StartsWith("PASSWORD_CHANGED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Creating_an_account_validates_every_field_and_a_retry_returns_the_same_one_time_password()
    {
        await RpcAssert.FailsWithFields(() => Admin.CreateAccountAsync(new CreateAccountRequest
        {
            RequestId = Rid(),
            Account = new Account { Username = "Bad Name!", DisplayName = " ", Role = StaffRole.Unspecified, Scope = "", LanguageCode = "fr" },
        }).ResponseAsync, "account.username", "account.display_name", "account.role", "account.scope", "account.language_code");
        await RpcAssert.FailsWithFields(() => Admin.CreateAccountAsync(new CreateAccountRequest
        {
            RequestId = Rid(),
            Account = new Account { Username = "ward-person", DisplayName = "Trần Thị B", Role = StaffRole.WardOfficer, Scope = "city" },
        }).ResponseAsync, "account.scope", "account.role");
        await RpcAssert.FailsWithFields(() => Admin.CreateAccountAsync(new CreateAccountRequest
        {
            RequestId = Rid(),
            Account = new Account { Username = "ward-person", DisplayName = "Trần Thị B", Role = StaffRole.WardOfficer, Scope = "wards/no-such-ward" },
        }).ResponseAsync, "account.scope");
        await RpcAssert.FailsWithFields(() => Admin.CreateAccountAsync(new CreateAccountRequest
        {
            Account = new Account { Username = "ward-person", DisplayName = "Trần Thị B", Role = StaffRole.WardOfficer, Scope = "wards/xuan-ha" },
        }).ResponseAsync, "request_id");

        var request = new CreateAccountRequest
        {
            RequestId = Rid(),
            Account = new Account { Username = "health.liaison_2", DisplayName = "Phạm Thị Ánh", Role = StaffRole.AgencyLiaison, Scope = "agencies/xuan-ha-health" },
        };
        var created = await Admin.CreateAccountAsync(request);
        var retry = await Admin.CreateAccountAsync(request);
        Assert.Equal(created, retry);
        Assert.Equal("users/health.liaison_2", created.Account.Name);
        Assert.True(created.Account.Enabled);
        Assert.True(created.Account.PasswordChangeRequired);
        Assert.Equal("vi", created.Account.LanguageCode);
        await RpcAssert.Fails(StatusCode.AlreadyExists, () => Admin.CreateAccountAsync(new CreateAccountRequest { RequestId = Rid(), Account = request.Account }).ResponseAsync);
        // Only coordinators create; an auditor reads.
        var auditor = new AccountService.AccountServiceClient(fixture.Host.As(new Actor("users/auditor", "Đặng Minh Khoa", Actor.Auditor, "city")));
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => auditor.CreateAccountAsync(new CreateAccountRequest
        {
            RequestId = Rid(), Account = new Account { Username = "other", DisplayName = "X Y", Role = StaffRole.Auditor, Scope = "city" },
        }).ResponseAsync);
        Assert.Equal(created.Account, await auditor.GetAccountAsync(new GetAccountRequest { Name = created.Account.Name }));
        Assert.Equal("users/health.liaison_2", (await SignIn("health.liaison_2", created.OneTimePassword)).Account.Name);
    }

    [Fact]
    public async Task An_update_with_a_stale_etag_is_aborted_and_a_person_changes_only_their_name_and_language()
    {
        var created = (await NewAccount("etag-check")).Account;
        var renamed = await Admin.UpdateAccountAsync(new UpdateAccountRequest
        {
            Account = new Account { Name = created.Name, Etag = created.Etag, DisplayName = "Nguyễn Thị Đổi Tên" },
            UpdateMask = FieldMask.FromString("display_name"), RequestId = Rid(),
        });
        Assert.Equal("Nguyễn Thị Đổi Tên", renamed.DisplayName);
        Assert.NotEqual(created.Etag, renamed.Etag);

        var stale = await RpcAssert.Fails(StatusCode.Aborted, () => Admin.UpdateAccountAsync(new UpdateAccountRequest
        {
            Account = new Account { Name = created.Name, Etag = created.Etag, LanguageCode = "en" },
            UpdateMask = FieldMask.FromString("language_code"), RequestId = Rid(),
        }).ResponseAsync);
        Assert.Equal("STALE_ETAG", stale.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        await RpcAssert.FailsWithFields(() => Admin.UpdateAccountAsync(new UpdateAccountRequest
        {
            Account = new Account { Name = created.Name, Role = StaffRole.AgencyLiaison, Username = "renamed" },
            UpdateMask = new FieldMask { Paths = { "role", "username" } }, RequestId = Rid(),
        }).ResponseAsync, "update_mask");
        await RpcAssert.FailsWithFields(() => Admin.UpdateAccountAsync(new UpdateAccountRequest
        {
            Account = new Account { Name = created.Name, Role = StaffRole.AgencyLiaison },
            UpdateMask = FieldMask.FromString("role"), RequestId = Rid(),
        }).ResponseAsync, "account.scope", "account.role");

        // The person themselves: language yes, role no.
        var self = new AccountService.AccountServiceClient(fixture.Host.As(new Actor(created.Name, created.DisplayName, Actor.WardOfficer, created.Scope)));
        var english = await self.UpdateAccountAsync(new UpdateAccountRequest
        {
            Account = new Account { Name = created.Name, LanguageCode = "en" }, UpdateMask = FieldMask.FromString("language_code"), RequestId = Rid(),
        });
        Assert.Equal("en", english.LanguageCode);
        await RpcAssert.Fails(StatusCode.PermissionDenied, () => self.UpdateAccountAsync(new UpdateAccountRequest
        {
            Account = new Account { Name = created.Name, Role = StaffRole.CentreCoordinator, Scope = "city" },
            UpdateMask = new FieldMask { Paths = { "role", "scope" } }, RequestId = Rid(),
        }).ResponseAsync);
        // A coordinator moves the person to another ward: a role-and-scope change in one request.
        var moved = await Admin.UpdateAccountAsync(new UpdateAccountRequest
        {
            Account = new Account { Name = created.Name, Role = StaffRole.AgencyLiaison, Scope = "agencies/man-thai-police" },
            UpdateMask = new FieldMask { Paths = { "role", "scope" } }, RequestId = Rid(),
        });
        Assert.Equal(StaffRole.AgencyLiaison, moved.Role);
        Assert.Equal("agencies/man-thai-police", moved.Scope);
    }

    [Fact]
    public async Task Fifty_people_signing_in_at_once_through_one_address_are_all_let_in()
    {
        var users = fixture.Credentials.Usernames
            .Where(u => u.EndsWith("-liaison", StringComparison.Ordinal) && !u.StartsWith("xuan-ha", StringComparison.Ordinal)).ToList();
        var people = users.Concat(users.Take(50 - users.Count)).ToList();
        Assert.Equal(50, people.Count);

        var results = await Task.WhenAll(people.Select(u => SignIn(u)));

        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.AccessToken)));
    }
}
