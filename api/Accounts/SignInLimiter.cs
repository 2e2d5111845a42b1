using Coordination.Api.Identity;
using Microsoft.Extensions.Options;

namespace Coordination.Api.Accounts;

/// <summary>
/// Limits sign-in attempts per username and per source address (token buckets, this host): enough
/// for a console host that signs a whole office in from one address, too few to guess passwords
/// (the lockout stops guessing one account; the address limit stops trying many).
/// </summary>
public sealed class SignInLimiter(IOptions<AccountOptions> options) : KeyAndAddressLimiter(
    options.Value.SignInsPerUsernameBurst, options.Value.SignInsPerUsernamePerMinute,
    options.Value.SignInsPerAddressBurst, options.Value.SignInsPerAddressPerMinute);
