using System.Text.RegularExpressions;
using Coordination.Api.Identity;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Grpc;

/// <summary>
/// gRPC adapter of agency credentials and token revocation: validate, authorise, call
/// <see cref="AgencyCredentials"/>, map back. CreateToken needs no token (it is how an agency system
/// gets one); the others are for Centre coordinators.
/// </summary>
public sealed partial class TokenGrpcService(AgencyCredentials credentials, TokenExchangeLimiter limiter) : TokenService.TokenServiceBase
{
    /// <inheritdoc/>
    [AllowAnonymous]
    public override async Task<CreateTokenResponse> CreateToken(CreateTokenRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var agencyId = v.ResourceId("client_id", request.ClientId, "agencies");
        v.MaxLength("client_secret", request.ClientSecret, 200);
        v.ThrowIfAny();
        var http = context.GetHttpContext();
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.TryAcquire(request.ClientId, address) is { } retryAfter)
        {
            throw LimitsInterceptor.Exhausted(retryAfter,
                $"Too many token requests; retry after {retryAfter.TotalSeconds:F0} s / yêu cầu cấp mã quá nhiều lần, hãy thử lại sau.");
        }
        string? certificateAgency = null;
        if (request.ClientSecret.Length == 0 && http.Connection.ClientCertificate is not null)
        {
            var byCertificate = await http.AuthenticateAsync(ClientCertificateAuthentication.SchemeName);
            certificateAgency = byCertificate.Succeeded ? byCertificate.Principal?.FindFirst("sub")?.Value : null;
        }
        var token = await credentials.ExchangeAsync(agencyId!, request.ClientSecret, certificateAgency, address, context.CancellationToken);
        return new CreateTokenResponse
        {
            AccessToken = token.AccessToken,
            TokenType = "Bearer",
            ExpireTime = token.ExpireTime.ToTimestamp(),
            TokenId = token.TokenId,
        };
    }

    /// <inheritdoc/>
    public override async Task<RotateClientSecretResponse> RotateClientSecret(RotateClientSecretRequest request, ServerCallContext context)
    {
        var caller = CallContexts.Caller(context);
        var v = new RequestValidation();
        var agencyId = v.ResourceId("agency", request.Agency, "agencies");
        v.RequestId("request_id", request.RequestId);
        v.ThrowIfAny();
        Access.RequireCoordinator(caller);
        var (secret, created) = await credentials.RotateSecretAsync(caller, agencyId!, context.Method.TrimStart('/'));
        return new RotateClientSecretResponse { ClientId = request.Agency, ClientSecret = secret, CreateTime = created.ToTimestamp() };
    }

    /// <inheritdoc/>
    public override async Task<Empty> RevokeToken(RevokeTokenRequest request, ServerCallContext context)
    {
        var caller = CallContexts.Caller(context);
        var v = new RequestValidation();
        if (request.TokenId.Length > 0 == request.Principal.Length > 0)
        {
            v.Add(request.TokenId.Length > 0 ? "principal" : "token_id", "Exactly one of token_id and principal / chỉ một trong hai: token_id hoặc principal.");
        }
        else if (request.TokenId.Length > 0 && !TokenIdPattern().IsMatch(request.TokenId))
        {
            v.Add("token_id", "A token id (claim jti): 1-100 letters, digits, '-' or '_' / sai định dạng mã.");
        }
        else if (request.Principal.Length > 0 && !PrincipalPattern().IsMatch(request.Principal))
        {
            v.Add("principal", "Must be users/{username} or agencies/{agency} / sai định dạng.");
        }
        v.Required("reason", request.Reason, 500);
        v.RequestId("request_id", request.RequestId);
        v.ThrowIfAny();
        Access.RequireCoordinator(caller);
        var method = context.Method.TrimStart('/');
        if (request.TokenId.Length > 0)
        {
            await credentials.RevokeTokenAsync(caller, request.TokenId, request.Reason, method);
        }
        else
        {
            await credentials.RevokePrincipalAsync(caller, request.Principal, request.Reason, method);
        }
        return new Empty();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex TokenIdPattern();

    [GeneratedRegex("^(users/[a-z0-9][a-z0-9._-]{0,63}|agencies/[a-z0-9][a-z0-9-]{0,99})$")]
    private static partial Regex PrincipalPattern();
}
