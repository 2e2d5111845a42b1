using Google.Rpc;
using Grpc.Core;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>Assertions on gRPC errors and their google.rpc details.</summary>
public static class RpcAssert
{
    /// <summary>Awaits <paramref name="call"/> and asserts it fails with <paramref name="code"/>.</summary>
    public static async Task<RpcException> Fails(StatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == code, $"Expected {code} but got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    /// <summary>Asserts INVALID_ARGUMENT with a BadRequest naming exactly <paramref name="fields"/>.</summary>
    public static async Task<BadRequest> FailsWithFields(Func<Task> call, params string[] fields)
    {
        var e = await Fails(StatusCode.InvalidArgument, call);
        var status = e.GetRpcStatus() ?? throw new Xunit.Sdk.XunitException("No google.rpc.Status in the trailers.");
        var badRequest = status.GetDetail<BadRequest>() ?? throw new Xunit.Sdk.XunitException("No BadRequest detail.");
        Assert.Equal(fields.Order(), badRequest.FieldViolations.Select(v => v.Field).Distinct().Order());
        Assert.All(badRequest.FieldViolations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
        Assert.Equal("INVALID_ARGUMENT", status.GetDetail<ErrorInfo>()?.Reason);
        return badRequest;
    }
}
