using System.Globalization;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.V1;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.IntegrationTests;

/// <summary>
/// The conference calendar through real Quartz (clustered store) on real PostgreSQL: a cluster's cron
/// plans its regular conference, and the agenda is built at the preparation time — once, even when
/// every host was down across that time.
/// </summary>
public sealed class ConferenceSchedulingTests : IAsyncLifetime
{
    private const string Police = "agencies/an-hai-bac-police";
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
    private static readonly Actor Officer = new("users/an-hai-bac-officer", "Trương Thị Kim Oanh", Actor.WardOfficer, "wards/an-hai-bac");
    private static readonly Actor PoliceSystem = new(Police, "Công an phường An Hải Bắc", Actor.AgencySystem, Police);
    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    private TestDatabase _db = null!;
    private PlatformHost _host = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        // Quartz keeps the first host's trigger intervals in its store: fast sweeps from the start.
        _host = await PlatformHost.StartAsync(_db.ConnectionString, seedDemo: true, environment: FastSweeps);
    }

    private static Dictionary<string, string> FastSweeps => new()
    {
        ["Conferences__PreparationWorkingDays"] = "0",
        ["Conferences__SweepInterval"] = "00:00:01",
        ["Reminders__SweepInterval"] = "00:00:01",
    };

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task The_agenda_is_built_once_at_the_preparation_time_even_when_every_host_was_down_across_it()
    {
        var created = await new CaseService.CaseServiceClient(_host.As(Officer)).CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = "wards/an-hai-bac", Source = IntakeSource.CollaboratorReport, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = "Ngô Thị Thảo", Sex = Sex.Female, ApproximateAgeYears = 11 },
            },
        });
        await new CaseService.CaseServiceClient(_host.As(Officer)).SetConferenceFlagAsync(new SetConferenceFlagRequest
        {
            Name = created.Name, Flagged = true, Reason = "Cần phối hợp liên ngành", RequestId = Guid.NewGuid().ToString(),
        });
        var dataDir = _host.DataDirectory;
        await _host.StopAsync();

        // Son Trà's conference at a whole second ~40 s ahead; the agenda is built at that time (0 working days before).
        var start = DateTimeOffset.UtcNow.AddSeconds(40);
        start = new DateTimeOffset(start.Ticks - (start.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(start, Vietnam);
        var settings = FastSweeps;
        settings["Conferences__Clusters__son-tra__Cron"] = local.ToString("s m H d M '?' yyyy", CultureInfo.InvariantCulture);
        var name = $"clusters/son-tra/conferences/{local.Year}-q{((local.Month - 1) / 3) + 1}";
        await _host.DisposeAsync();
        _host = await PlatformHost.StartAsync(_db.ConnectionString, dataDir: dataDir, environment: settings);
        var planned = await WaitFor(name, c => c is not null, TimeSpan.FromSeconds(30));
        Assert.True(DateTimeOffset.UtcNow < start, "The host took too long to start for this test's schedule.");
        Assert.Equal(ConferenceKind.Regular, planned!.Kind);
        Assert.Equal(ConferenceState.Scheduled, planned.State);
        Assert.Equal(start, planned.StartTime.ToDateTimeOffset());
        Assert.Equal(start, planned.PreparationTime.ToDateTimeOffset());

        // Every host stops before the preparation time and comes back after it.
        await _host.StopAsync();
        await _host.DisposeAsync();
        var wait = start - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        _host = await PlatformHost.StartAsync(_db.ConnectionString, dataDir: dataDir, environment: settings);
        var prepared = await WaitFor(name, c => c?.State == ConferenceState.Prepared, TimeSpan.FromSeconds(30));

        var item = Assert.Single(prepared!.Agenda);
        Assert.Equal(created.Name, item.Case);
        Assert.Equal([AgendaReason.Flagged], item.Reasons);
        // A few more sweeps: nothing is built or sent twice.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var later = await new ConferenceService.ConferenceServiceClient(_host.As(Coordinator)).GetConferenceAsync(new GetConferenceRequest { Name = name });
        Assert.Equal(prepared.Etag, later.Etag);
        var centre = await new InboxService.InboxServiceClient(_host.As(Coordinator)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "centre/inbox", PageSize = 500 });
        Assert.Single(centre.Events, e => e.Type == InboxEventType.ConferenceAgendaReady && e.Conference == name);
        // A regular conference is announced by its agenda, not when the planner creates it.
        Assert.DoesNotContain(centre.Events, e => e.Type == InboxEventType.ConferenceScheduled && e.Conference == name);
        var ward = await new InboxService.InboxServiceClient(_host.As(Officer)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "wards/an-hai-bac/inbox", PageSize = 500 });
        Assert.Single(ward.Events, e => e.Type == InboxEventType.ConferenceAgendaReady && e.Conference == name);
        var feed = await new PartnerService.PartnerServiceClient(_host.As(PoliceSystem)).ListEventsAsync(new ListEventsRequest { Agency = Police, PageSize = 500 });
        Assert.Single(feed.Events, e => e.Type == PartnerEventType.Conference && e.Conference == name);
    }

    private async Task<Conference?> WaitFor(string name, Func<Conference?, bool> done, TimeSpan timeout)
    {
        var client = new ConferenceService.ConferenceServiceClient(_host.As(Coordinator));
        var deadline = DateTime.UtcNow + timeout;
        Conference? current = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                current = await client.GetConferenceAsync(new GetConferenceRequest { Name = name });
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
                current = null;
            }
            if (done(current))
            {
                return current;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"{name} did not reach the expected state within {timeout}; last seen: {current}");
        return null;
    }
}
