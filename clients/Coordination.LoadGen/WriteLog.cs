using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.LoadGen;

/// <summary>
/// One logical mutation as the load generator saw it, after its last attempt. Retries of the same
/// mutation reuse <see cref="RequestId"/>, so the platform applies it at most once.
/// </summary>
public sealed record WriteRecord
{
    /// <summary>The request id sent with every attempt.</summary>
    [JsonPropertyName("request_id")] public string RequestId { get; init; } = "";

    /// <summary>The gRPC method, e.g. <c>CreateCase</c>, <c>AcceptTask</c>; <c>_baseline</c> for the run's opening record.</summary>
    [JsonPropertyName("method")] public string Method { get; init; } = "";

    /// <summary>The resource acted on: the ward for creates, the task for task steps.</summary>
    [JsonPropertyName("target")] public string Target { get; init; } = "";

    /// <summary>The resource name the platform returned (empty when never acknowledged).</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>True when an attempt returned OK.</summary>
    [JsonPropertyName("acknowledged")] public bool Acknowledged { get; init; }

    /// <summary><c>OK</c>, or the status code of the last attempt.</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "";

    /// <summary>How many attempts were made.</summary>
    [JsonPropertyName("attempts")] public int Attempts { get; init; }

    /// <summary>For task steps and creates: the task status the mutation leads to (e.g. <c>TASK_STATUS_ACCEPTED</c>).</summary>
    [JsonPropertyName("expect")] public string Expect { get; init; } = "";

    /// <summary>When the last attempt ended (UTC).</summary>
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }

    /// <summary>For <c>_baseline</c>: cases already listed before the run.</summary>
    [JsonPropertyName("baseline_cases")] public int BaselineCases { get; init; }

    /// <summary>For <c>_baseline</c>: tasks already listed before the run.</summary>
    [JsonPropertyName("baseline_tasks")] public int BaselineTasks { get; init; }
}

/// <summary>An append-only JSON-lines file of <see cref="WriteRecord"/>s, flushed line by line.</summary>
public sealed class WriteLog : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault };
    private readonly StreamWriter _writer;
    private readonly List<WriteRecord> _records = [];

    /// <summary>Opens (appends to) <paramref name="path"/>.</summary>
    public WriteLog(string path)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Everything appended through this instance.</summary>
    public IReadOnlyList<WriteRecord> Records { get { lock (_records) { return [.. _records]; } } }

    /// <summary>Appends one record.</summary>
    public void Append(WriteRecord record)
    {
        var line = JsonSerializer.Serialize(record, Json);
        lock (_records)
        {
            _records.Add(record);
            _writer.WriteLine(line);
        }
    }

    /// <summary>Reads a write log.</summary>
    public static List<WriteRecord> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<WriteRecord>(l, Json)!)];

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
