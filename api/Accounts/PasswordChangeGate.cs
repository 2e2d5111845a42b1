using Coordination.Silo.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Coordination.Api.Accounts;

/// <summary>
/// A token from a sign-in with a one-time password (claim <c>pwd_change</c>) may only change the
/// password, read its own account and sign out: FAILED_PRECONDITION PASSWORD_CHANGE_REQUIRED for
/// everything else. After ChangePassword the person signs in again with the new password.
/// </summary>
public sealed class PasswordChangeGate : Interceptor
{
    private static readonly string[] Allowed =
    [
        "/coordination.v1.AccountService/ChangePassword", "/coordination.v1.AccountService/GetAccount",
        "/coordination.v1.AccountService/SignOut", "/coordination.v1.AccountService/SignIn",
    ];

    /// <inheritdoc/>
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    /// <inheritdoc/>
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    private static void Check(ServerCallContext context)
    {
        if (context.GetHttpContext().User.HasClaim(AccountManager.PasswordChangeClaim, "1") && !Allowed.Contains(context.Method))
        {
            throw new FailedPreconditionException("PASSWORD_CHANGE_REQUIRED",
                "Change the one-time password first (AccountService.ChangePassword), then sign in again / hãy đổi mật khẩu tạm thời rồi đăng nhập lại.");
        }
    }
}
