using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// The real host (api/ build output) started as a separate process on free ports, exactly as
/// ./run.sh starts it. Stop sends SIGTERM (a clean shutdown); Kill sends SIGKILL.
/// </summary>
public sealed partial class PlatformHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PlatformHost(Process process, int grpcPort, int siloPort, string dataDir, bool tls)
    {
        _process = process;
        GrpcPort = grpcPort;
        SiloPort = siloPort;
        DataDirectory = dataDir;
        Channel = tls ? null! : GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    /// <summary>A TLS channel to this host (its test certificate is trusted), optionally presenting a client certificate.</summary>
    public GrpcChannel TlsChannel(System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate)
    {
        // Trust exactly the certificate this host was started with (a self-signed test certificate).
        var env = _process.StartInfo.Environment;
        using var serverCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
            env["COORD_TLS_CERT"]!, env["COORD_TLS_CERT_PASSWORD"]);
        var expected = serverCertificate.GetCertHashString();
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == expected;
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        return GrpcChannel.ForAddress($"https://127.0.0.1:{GrpcPort}", new GrpcChannelOptions { HttpHandler = handler });
    }

    /// <summary>The gRPC port.</summary>
    public int GrpcPort { get; }

    /// <summary>The REST (HTTP/1.1) port.</summary>
    public int HttpPort => int.Parse(_process.StartInfo.Environment["COORD_HTTP_PORT"]!);

    /// <summary>The Orleans silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The data folder (dev-credentials.json lands here).</summary>
    public string DataDirectory { get; }

    /// <summary>A channel to the host's gRPC endpoint.</summary>
    public GrpcChannel Channel { get; private set; }

    /// <summary>
    /// Issuer, audience and key ring of this host, as its configuration sets them (the environment it
    /// was started with, else the defaults), so tests sign exactly what the host expects.
    /// </summary>
    public TokenSettings Tokens
    {
        get
        {
            var env = _process.StartInfo.Environment;
            string? Get(string name) => env.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
            return new TokenSettings
            {
                Issuer = Get("COORD_TOKEN_ISSUER") ?? TokenSettings.DefaultIssuer,
                Audience = Get("COORD_TOKEN_AUDIENCE") ?? TokenSettings.DefaultAudience,
                SigningKeysPath = Get("COORD_SIGNING_KEYS") ?? Path.Combine(DataDirectory, TokenSettings.KeysFolder),
                LegacyKeyPath = Get("COORD_SIGNING_KEY") ?? Path.Combine(DataDirectory, TokenSettings.LegacyKeyFile),
            };
        }
    }

    /// <summary>The key that signs now in this host's ring.</summary>
    public RingKey SigningKey =>
        KeyRingDirectory.Load(Tokens.SigningKeysPath).Signing(DateTimeOffset.UtcNow) ?? throw new InvalidOperationException("No key signs in " + Tokens.SigningKeysPath);

    /// <summary>
    /// A token for <paramref name="actor"/> signed with the key that signs now (or <paramref name="key"/>),
    /// issued at <paramref name="clock"/>'s time (past or future, for lifetime tests).
    /// </summary>
    public string TokenFor(Actor actor, TimeSpan? lifetime = null, TimeProvider? clock = null, RingKey? key = null) =>
        IssuedFor(actor, lifetime, clock, key).Token;

    /// <summary>As <see cref="TokenFor"/>, with the token's id and expiry.</summary>
    public IssuedToken IssuedFor(Actor actor, TimeSpan? lifetime = null, TimeProvider? clock = null, RingKey? key = null)
    {
        var settings = Tokens;
        return new TokenIssuer((key ?? SigningKey).Key, settings.Issuer, settings.Audience, clock ?? TimeProvider.System)
            .IssueToken(actor, lifetime ?? TimeSpan.FromHours(1));
    }

    /// <summary>Calls through this invoker carry a token for <paramref name="actor"/>, unless they bring their own.</summary>
    public CallInvoker As(Actor actor)
    {
        var header = "Bearer " + TokenFor(actor);
        return Channel.Intercept(m =>
        {
            if (m.Get("authorization") is null)
            {
                m.Add("authorization", header);
            }
            return m;
        });
    }

    /// <summary>Calls as a city coordinator.</summary>
    public CallInvoker Coordinator => As(new Actor("users/test-coordinator", "Điều phối viên thử", Actor.CentreCoordinator, "city"));

    /// <summary>Everything the process printed so far (for failure messages).</summary>
    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>The host process's resident set size in bytes.</summary>
    public long ResidentSetBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts a host against <paramref name="connectionString"/> and waits until health says SERVING.</summary>
    public static async Task<PlatformHost> StartAsync(
        string connectionString, bool seedDemo = false, int? grpcPort = null, int? siloPort = null, string? dataDir = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var host = Launch(connectionString, seedDemo, grpcPort, siloPort, dataDir, environment);
        try
        {
            await host.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            // Nobody holds a host that never served: stop it, or it runs on through the rest of the suite.
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>
    /// The suite runs up to a dozen hosts, consoles and Chromium side by side on two cores: its
    /// processes use the workstation garbage collector (the server collector's per-core heaps and
    /// threads in every process fought for the cores) and no profile-guided re-JIT (hosts live for
    /// seconds to minutes, too short to gain from it). Production hosts keep .NET's defaults.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> LightRuntime = new Dictionary<string, string>
    {
        ["DOTNET_gcServer"] = "0",
        ["DOTNET_TieredPGO"] = "0",
    };

    /// <summary>Starts a host process without waiting for it (for start-up failure tests).</summary>
    public static PlatformHost Launch(
        string connectionString, bool seedDemo = false, int? grpcPort = null, int? siloPort = null, string? dataDir = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var grpc = grpcPort ?? FreePort();
        var silo = siloPort ?? ReusedSiloPort(connectionString) ?? FreePort();
        var data = dataDir ?? Directory.CreateTempSubdirectory("coord-host-").FullName;
        var psi = new ProcessStartInfo("dotnet", [ApiAssemblyPath()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ApiAssemblyPath())!,
        };
        psi.Environment["COORD_DB"] = connectionString;
        psi.Environment["COORD_GRPC_PORT"] = grpc.ToString();
        psi.Environment["COORD_SILO_PORT"] = silo.ToString();
        psi.Environment["COORD_HTTP_PORT"] = FreePort().ToString();
        psi.Environment["COORD_DATA_DIR"] = data;
        psi.Environment["COORD_SEED_DEMO"] = seedDemo ? "true" : "false";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__Coordination"] = "Information";
        foreach (var (key, value) in LightRuntime)
        {
            psi.Environment[key] = value;
        }
        // The suite's scenarios open the same made-up child again and again; the duplicate check at
        // intake is on in production and tested by IntakeTests, which turns it back on.
        psi.Environment["Intake__RefuseDuplicates"] = "false";
        // Every test calls from 127.0.0.1, and many call without a valid credential on purpose (the
        // matrix's anonymous column, the token table): the per-address limit is tested by LimitsTests.
        psi.Environment["Limits__FailedAuthenticationsPerAddressBurst"] = "1000000";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var tls = environment?.ContainsKey("COORD_TLS_CERT") == true;
        var host = new PlatformHost(process, grpc, silo, data, tls) { _connectionString = connectionString };
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        if (tls)
        {
            host.Channel = host.TlsChannel(null);
        }
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the process to exit by itself.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Polls grpc.health.v1 until the host reports SERVING.</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var client = new Health.HealthClient(Channel);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Host exited with code {_process.ExitCode} before serving:\n{Output}");
            }
            try
            {
                var reply = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Host did not report SERVING within {timeout}:\n{Output}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Clean shutdown: SIGTERM, then wait.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        _ = SysKill(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Abrupt death: SIGKILL.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
        if (_connectionString is not null)
        {
            FreedSiloPorts.GetOrAdd(_connectionString, _ => new()).Push(SiloPort);
        }
    }

    // Silo ports of hosts that are gone, by database. A host started again on the same database
    // without a silo port of its own takes one back, as a restarted production host comes back with
    // its configured port: measured, a host on a new port waited 35–40 s after a kill -9 for the
    // cluster to give up on its predecessor's address; on the same port (a newer generation of the
    // same address replaces the older at once) it served in 4 s.
    private static readonly ConcurrentDictionary<string, ConcurrentStack<int>> FreedSiloPorts = new();
    private string? _connectionString;

    private static int? ReusedSiloPort(string connectionString)
    {
        if (!FreedSiloPorts.TryGetValue(connectionString, out var freed))
        {
            return null;
        }
        while (freed.TryPop(out var port))
        {
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken since by someone else: try the next, or a new port.
            }
        }
        return null;
    }

    /// <summary>A TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        // Below Linux's ephemeral range (32768–60999): a port the kernel hands out for port 0 is also
        // what it gives outgoing connections (to PostgreSQL, between silos), which took a test host's
        // port in the seconds before it bound it, or while it restarted on the same ports.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, 32700);
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string ApiAssemblyPath()
    {
        var path = Path.Combine(RepositoryRoot(), "api", "bin", Configuration(), "net10.0", "Coordination.Api.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the api project first.", path);
    }

    /// <summary>The build configuration of the tests (Release under ./test.sh).</summary>
    public static string Configuration() =>
        // tests/Coordination.IntegrationTests/bin/<Configuration>/net10.0
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    /// <summary>The repository root (the folder of CoordinationPlatform.sln).</summary>
    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "CoordinationPlatform.sln")))
        {
            root = root.Parent;
        }
        return root?.FullName ?? throw new InvalidOperationException("Cannot find the repository root from " + AppContext.BaseDirectory);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
