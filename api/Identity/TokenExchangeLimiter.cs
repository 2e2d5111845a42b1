using Microsoft.Extensions.Options;

namespace Coordination.Api.Identity;

/// <summary>
/// Limits token exchanges (TokenService.CreateToken) per client id and per source address (token
/// buckets, this host), as sign-ins are limited: plenty for a system that refreshes its token every
/// hour, far too few to guess a secret (which a 256-bit secret makes hopeless anyway).
/// </summary>
public sealed class TokenExchangeLimiter(IOptions<SecurityOptions> options) : KeyAndAddressLimiter(
    options.Value.TokenRequestsPerClientBurst, options.Value.TokenRequestsPerClientPerMinute,
    options.Value.TokenRequestsPerAddressBurst, options.Value.TokenRequestsPerAddressPerMinute);
