using System.Net;
using System.Security.Authentication;
using Coordination.Api.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Coordination.Api.Hosting;

/// <summary>
/// Where the host listens and how: gRPC (HTTP/2) and REST (HTTP/1.1) ports, TLS 1.2 or newer when a
/// certificate is configured, client certificates for mutual TLS, and the rule that bearer tokens
/// never cross a network in cleartext.
/// </summary>
public static class TransportRegistration
{
    /// <summary>Environment variable that allows cleartext on a non-loopback address (behind a TLS-terminating proxy).</summary>
    public const string AllowCleartextVariable = "COORD_ALLOW_CLEARTEXT";

    /// <summary>
    /// The transport rule, checked before anything starts: a non-loopback address needs TLS, or the
    /// explicit <c>COORD_ALLOW_CLEARTEXT=1</c>, which is then warned about at every start. Returns
    /// the warning to print, or null.
    /// </summary>
    public static string? CheckCleartext(HostingOptions hosting, string? allowCleartext)
    {
        if (hosting.TlsCertificatePath.Length > 0 || IsLoopback(hosting.ListenAddress))
        {
            return null;
        }
        if (allowCleartext != "1")
        {
            throw new StartupException(
                $"Refusing to listen on {hosting.ListenAddress} without TLS: bearer tokens would cross the network in cleartext. "
                + $"Set COORD_TLS_CERT (a PFX) and COORD_TLS_CERT_PASSWORD, or {AllowCleartextVariable}=1 behind a proxy that terminates TLS (docs/security.md).");
        }
        return $"WARNING — listening on {hosting.ListenAddress} in cleartext ({AllowCleartextVariable}=1): only safe behind a proxy that terminates TLS on this machine's loopback or a private link (docs/security.md).";
    }

    /// <summary>Whether <paramref name="address"/> is a loopback address (127.0.0.0/8, ::1, or "localhost").</summary>
    public static bool IsLoopback(string address) =>
        address.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Configures Kestrel's listeners (after <see cref="CheckCleartext"/> passed) and the client-certificate policy of mutual TLS.</summary>
    public static WebApplicationBuilder AddPlatformEndpoints(this WebApplicationBuilder builder, HostingOptions hosting)
    {
        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new();
        builder.Services.AddSingleton(new ClientCertificatePolicy(security.ClientCaBundlePath, TimeProvider.System));
        builder.WebHost.ConfigureKestrel(k =>
        {
            var ip = IPAddress.TryParse(hosting.ListenAddress, out var parsed) ? parsed : IPAddress.Loopback;
            k.Listen(ip, hosting.GrpcPort, listen =>
            {
                if (hosting.TlsCertificatePath.Length > 0)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(hosting.TlsCertificatePath, hosting.TlsCertificatePassword, https =>
                    {
                        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                        // Agency systems may present a client certificate (mutual TLS). Kestrel accepts any
                        // at the handshake; the client-certificate scheme then checks it against the CA
                        // bundle (chain, dates, client-auth usage) and maps it to an agency by thumbprint.
                        https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        https.AllowAnyClientCertificate();
                    });
                }
                else
                {
                    // Cleartext gRPC must be HTTP/2 only, or clients are told HTTP_1_1_REQUIRED.
                    listen.Protocols = HttpProtocols.Http2;
                }
            });
            if (hosting.HttpPort > 0)
            {
                // REST over HTTP/1.1 for partners who cannot speak gRPC (same methods, JSON transcoding).
                k.Listen(ip, hosting.HttpPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    if (hosting.TlsCertificatePath.Length > 0)
                    {
                        listen.UseHttps(hosting.TlsCertificatePath, hosting.TlsCertificatePassword,
                            https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
                    }
                });
            }
        });
        return builder;
    }
}
