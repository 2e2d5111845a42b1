using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coordination.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;

// Usage: coord-console-bench --console URL --target URL --credentials FILE [--cases 100000] [--people 50]
//        [--duration 60] [--think-ms 1000] [--output FILE]
// 1. Opens --cases cases through the contract (as the ward officers, spread over the demo wards).
// 2. Signs --people people in through the console's sign-in form (city people and ward people).
// 3. Each person, for --duration seconds: their home page (city dashboard or ward page), the case
//    list, a case page; a think time between pages. Reports p50/p95/p99 server time per page
//    (full response on loopback) and each page's first-load weight (HTML + stylesheet + script).
var options = Options.Parse(args);
var credentials = Credentials.Load(options.CredentialsFile);
var wards = new[] { "hai-chau-1", "thach-thang", "thanh-khe-dong", "xuan-ha", "an-hai-bac", "man-thai" };

using var channel = GrpcChannel.ForAddress(options.Target, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
var caseIds = new ConcurrentDictionary<string, ConcurrentBag<string>>();
foreach (var w in wards)
{
    caseIds[w] = [];
}

if (options.Cases > 0)
{
    Console.Error.WriteLine($"Opening {options.Cases:N0} cases through the contract…");
    var watch = Stopwatch.StartNew();
    var next = -1;
    var failures = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, 32), async (_, ct) =>
    {
        var random = new Random();
        while (true)
        {
            var i = Interlocked.Increment(ref next);
            if (i >= options.Cases)
            {
                return;
            }
            var ward = wards[i % wards.Length];
            var client = new CaseService.CaseServiceClient(channel);
            var headers = new Metadata { { "authorization", "Bearer " + credentials.Token($"users/{ward}-officer") } };
            try
            {
                var request = new CreateCaseRequest { RequestId = $"bench-{i}", Case = Names.Case(ward, random) };
                Case c;
                try
                {
                    c = await client.CreateCaseAsync(request, headers, DateTime.UtcNow.AddSeconds(60), ct);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                {
                    // Made-up names repeat among 100,000 cases and the intake refuses a likely
                    // duplicate: as an officer would after checking, confirm it is another child.
                    var p = request.Case.Person;
                    var found = await client.FindPossibleDuplicatesAsync(new FindPossibleDuplicatesRequest
                    {
                        PersonDisplayName = p.DisplayName, Ward = request.Case.Ward, BirthYear = p.BirthDate?.Year ?? 0,
                        ApproximateAgeYears = p.BirthDate is null ? p.ApproximateAgeYears : 0, Phone = request.Case.Reporter?.Phone ?? "",
                    }, headers, DateTime.UtcNow.AddSeconds(60), ct);
                    request.AcknowledgedDuplicates.AddRange(found.Candidates.Where(x => x.Strong).Select(x => x.Restricted ? x.Ward : x.Case));
                    c = await client.CreateCaseAsync(request, headers, DateTime.UtcNow.AddSeconds(60), ct);
                }
                caseIds[ward].Add(c.Name["cases/".Length..]);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref failures);
            }
            if (i % 5000 == 0 && i > 0)
            {
                Console.Error.WriteLine($"  {i:N0} cases, {i / watch.Elapsed.TotalSeconds:N0}/s");
            }
        }
    });
    Console.Error.WriteLine($"Opened {options.Cases - failures:N0} cases in {watch.Elapsed.TotalSeconds:N0} s ({failures} failed)");
}
else
{
    // Use the cases already there.
    foreach (var w in wards)
    {
        var list = await new CaseService.CaseServiceClient(channel).ListCasesAsync(
            new ListCasesRequest { Ward = "wards/" + w, PageSize = 500 }, new Metadata { { "authorization", "Bearer " + credentials.Token("users/coordinator") } });
        foreach (var c in list.Cases)
        {
            caseIds[w].Add(c.Name["cases/".Length..]);
        }
    }
}

// The people: a third from the Centre (coordinators, case workers, auditors), the rest ward people.
string[] cityPeople = ["coordinator", "case-worker", "auditor"];
var accounts = new List<(string User, string? Ward)>();
for (var i = 0; i < options.People; i++)
{
    accounts.Add((i % 3) switch
    {
        0 => (cityPeople[i / 3 % 3], null),
        _ => ($"{wards[i % wards.Length]}-{(i % 2 == 0 ? "vice-chair" : "officer")}", wards[i % wards.Length]),
    });
}
var people = new List<Visitor>();
foreach (var (user, ward) in accounts)
{
    people.Add(await Visitor.SignInAsync(options.Console, user, credentials.Password(user), ward));
}
Console.Error.WriteLine($"{people.Count} people signed in to the console");

// First-load weight of each page (no cache): the HTML, the stylesheet and the script.
var weights = new Dictionary<string, long>();
var sample = people.First(p => p.Ward is null);
var sampleCase = caseIds.Values.SelectMany(x => x).First();
foreach (var (name, path) in new[] { ("dashboard", "/dashboard"), ("ward page", "/ward?x=1"), ("case list", "/cases"), ("case page", "/cases/" + sampleCase) })
{
    var visitor = name == "ward page" ? people.First(p => p.Ward is not null) : sample;
    var (html, _) = await visitor.GetAsync(path);
    long total = html.Length;
    foreach (Match m in Regex.Matches(html, "(?:href|src)=\"(/(?:css|js)/[^\"]+)\""))
    {
        total += (await visitor.GetAsync(WebUtility.HtmlDecode(m.Groups[1].Value))).Body.Length;
    }
    weights[name] = total;
}

var timings = new ConcurrentDictionary<string, ConcurrentBag<double>>();
var errors = new ConcurrentDictionary<string, int>();
var stopAt = DateTime.UtcNow.AddSeconds(options.Duration);
Console.Error.WriteLine($"Browsing for {options.Duration} s (think time {options.ThinkMs} ms)…");
await Task.WhenAll(people.Select(async p =>
{
    var random = new Random();
    while (DateTime.UtcNow < stopAt)
    {
        var ids = p.Ward is { } w ? caseIds[w] : caseIds.Values.SelectMany(x => x).ToList() as IEnumerable<string>;
        var pick = ids.ElementAtOrDefault(random.Next(Math.Max(1, ids.Count())));
        foreach (var (name, path) in new[]
        {
            (p.Ward is null ? "dashboard" : "ward page", p.Ward is null ? "/dashboard" : "/ward"),
            ("case list", "/cases"),
            ("case page", "/cases/" + pick),
        })
        {
            var watch = Stopwatch.StartNew();
            int status;
            try
            {
                (_, status) = await p.GetAsync(path);
            }
            catch (HttpRequestException)
            {
                status = 0;
            }
            catch (TaskCanceledException)
            {
                status = 408;
            }
            watch.Stop();
            if (status != 200)
            {
                errors.AddOrUpdate($"{name} {status}", 1, (_, n) => n + 1);
            }
            timings.GetOrAdd(name, _ => []).Add(watch.Elapsed.TotalMilliseconds);
            await Task.Delay(options.ThinkMs / 2 + random.Next(options.ThinkMs));
        }
    }
}));

var result = new
{
    cases = options.Cases,
    people = people.Count,
    durationSeconds = options.Duration,
    thinkMs = options.ThinkMs,
    pages = timings.OrderBy(t => t.Key).Select(t =>
    {
        var sorted = t.Value.OrderBy(x => x).ToArray();
        return new { page = t.Key, requests = sorted.Length, p50 = Percentile(sorted, 50), p95 = Percentile(sorted, 95), p99 = Percentile(sorted, 99), firstLoadBytes = weights.GetValueOrDefault(t.Key) };
    }).ToArray(),
    errors,
};
Console.WriteLine("| page | requests | p50 ms | p95 ms | p99 ms | first load |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var p in result.pages)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {p.page} | {p.requests} | {p.p50:F0} | {p.p95:F0} | {p.p99:F0} | {p.firstLoadBytes / 1024.0:F1} KB |"));
}
foreach (var (k, v) in errors)
{
    Console.WriteLine($"errors: {k} × {v}");
}
if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
}
return errors.IsEmpty ? 0 : 1;

static double Percentile(double[] sorted, int p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

/// <summary>Command-line options.</summary>
internal sealed record Options(string Console, string Target, string CredentialsFile, int Cases, int People, int Duration, int ThinkMs, string? Output)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new Options(
            Get("--console", "http://127.0.0.1:5090"), Get("--target", "http://127.0.0.1:5080"), Get("--credentials", ".data/dev-credentials.json"),
            int.Parse(Get("--cases", "100000"), CultureInfo.InvariantCulture), int.Parse(Get("--people", "50"), CultureInfo.InvariantCulture),
            int.Parse(Get("--duration", "60"), CultureInfo.InvariantCulture), int.Parse(Get("--think-ms", "1000"), CultureInfo.InvariantCulture),
            Array.IndexOf(args, "--output") >= 0 ? Get("--output", "") : null);
    }
}

/// <summary>The demo credentials file.</summary>
internal sealed class Credentials
{
    private readonly Dictionary<string, (string Token, string? Password)> _people = [];

    public static Credentials Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var c = new Credentials();
        foreach (var u in doc.RootElement.GetProperty("users").EnumerateArray())
        {
            var name = u.GetProperty("name").GetString()!;
            c._people[name] = (u.GetProperty("token").GetString()!, u.TryGetProperty("password", out var p) ? p.GetString() : null);
        }
        return c;
    }

    public string Token(string principal) => _people[principal].Token;

    public string Password(string username) => _people["users/" + username].Password ?? throw new InvalidOperationException("No password for " + username);
}

/// <summary>One simulated person with their own cookies.</summary>
internal sealed partial class Visitor(HttpClient http, string? ward)
{
    public string? Ward { get; } = ward;

    public static async Task<Visitor> SignInAsync(string console, string username, string password, string? ward)
    {
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = new Uri(console),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var form = await http.GetStringAsync("/signin");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var post = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Form.Username"] = username,
            ["Form.Password"] = password,
            ["Form.ReturnUrl"] = "/",
        }));
        if (post.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in of {username} answered {(int)post.StatusCode}");
        }
        return new Visitor(http, ward);
    }

    public async Task<(string Body, int Status)> GetAsync(string path)
    {
        using var response = await http.GetAsync(path);
        return (await response.Content.ReadAsStringAsync(), (int)response.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

/// <summary>Realistic Vietnamese case data.</summary>
internal static class Names
{
    private static readonly string[] Family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"];
    private static readonly string[] Middle = ["Thị", "Văn", "Minh", "Ngọc", "Thanh", "Hữu", "Quốc", "Thu", "Gia", "Bảo"];
    private static readonly string[] Given = ["Hằng", "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Long", "Mai", "Nam", "Oanh", "Phúc", "Quân", "Trâm", "Tuấn", "Vy", "Yến", "Hiếu"];
    private static readonly CaseCategory[] Categories = [CaseCategory.Abused, CaseCategory.Neglect, CaseCategory.Violence, CaseCategory.Abandoned, CaseCategory.Disability, CaseCategory.DomesticViolence];

    public static Case Case(string ward, Random r) => new()
    {
        Ward = "wards/" + ward,
        Source = r.Next(3) == 0 ? IntakeSource.CollaboratorReport : IntakeSource.HotlineCall,
        Categories = { Categories[r.Next(Categories.Length)] },
        Account = "Tin báo qua tổng đài về trẻ cần được bảo vệ.",
        Person = new Person
        {
            DisplayName = $"{Family[r.Next(Family.Length)]} {Middle[r.Next(Middle.Length)]} {Given[r.Next(Given.Length)]}",
            Sex = r.Next(2) == 0 ? Sex.Female : Sex.Male,
            ApproximateAgeYears = 1 + r.Next(15),
        },
    };
}
