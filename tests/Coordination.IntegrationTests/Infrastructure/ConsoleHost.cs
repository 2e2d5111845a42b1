using System.Diagnostics;
using System.Text;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// The people's console (clients/Coordination.Console build output) started as a separate process
/// against a platform host, exactly as ./run.sh starts it.
/// </summary>
public sealed class ConsoleHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ConsoleHost(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The console's HTTP port.</summary>
    public int Port { get; }

    /// <summary>The console's base address.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Everything the process printed so far.</summary>
    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>Starts the console against <paramref name="platformGrpcPort"/> and waits until it answers.</summary>
    public static async Task<ConsoleHost> StartAsync(int platformGrpcPort, string dataDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = PlatformHost.FreePort();
        var dll = Path.Combine(PlatformHost.RepositoryRoot(), "clients", "Coordination.Console", "bin", PlatformHost.Configuration(), "net10.0", "coord-console.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the console first.", dll);
        }
        var psi = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.Environment["COORD_PLATFORM_URL"] = $"http://127.0.0.1:{platformGrpcPort}";
        psi.Environment["COORD_CONSOLE_PORT"] = port.ToString();
        psi.Environment["COORD_DATA_DIR"] = dataDirectory;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in PlatformHost.LightRuntime)
        {
            psi.Environment[key] = value;
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var host = new ConsoleHost(process, port);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The console exited with code {process.ExitCode}:\n{host.Output}");
            }
            try
            {
                if ((await http.GetAsync(host.BaseUrl + "/healthz")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The console did not start within 60 s:\n" + host.Output);
            }
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
