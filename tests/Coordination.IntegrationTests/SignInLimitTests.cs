using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Google.Rpc;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>Sign-in attempts are limited per username and per source address (a host with tight limits).</summary>
[Collection(Lanes.Work)]
public sealed class SignInLimitTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private PlatformHost _host = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, environment: new Dictionary<string, string>
        {
            ["Accounts__SignInsPerUsernameBurst"] = "3",
            ["Accounts__SignInsPerUsernamePerMinute"] = "1",
            ["Accounts__SignInsPerAddressBurst"] = "6",
            ["Accounts__SignInsPerAddressPerMinute"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    private Task<SignInResponse> SignIn(string username, string password) =>
        new AccountService.AccountServiceClient(_host.Channel).SignInAsync(new SignInRequest { Username = username, Password = password }).ResponseAsync;

    [Fact]
    public async Task Guessing_is_cut_off_per_username_then_per_address_with_retry_info()
    {
        var password = Credentials.Load(_host.DataDirectory).Password("coordinator");
        for (var i = 0; i < 3; i++)
        {
            await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn("case-worker", "guess-" + i));
        }
        // The fourth guess at one username is refused before the password is even checked.
        var limited = await RpcAssert.Fails(StatusCode.ResourceExhausted, () => SignIn("case-worker", "guess-4"));
        var status = limited.GetRpcStatus()!;
        Assert.True(status.GetDetail<RetryInfo>().RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        Assert.Equal("RATE_LIMITED", status.GetDetail<ErrorInfo>().Reason);

        // Other usernames from the same address still get in, until the address has spent its burst of 6.
        Assert.Equal("users/coordinator", (await SignIn("coordinator", password)).Account.Name);
        await RpcAssert.Fails(StatusCode.Unauthenticated, () => SignIn("auditor", "guess"));
        await RpcAssert.Fails(StatusCode.ResourceExhausted, () => SignIn("coordinator", password));
    }
}
