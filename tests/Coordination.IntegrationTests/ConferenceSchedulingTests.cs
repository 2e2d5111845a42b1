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
[Collection(Lanes.Clocks)]
public sealed class ConferenceSchedulingTests : IAsyncLifetime
{
    private static readonly Actor Coordinator = new("users/coordinator", "Lê Thị Thu Hà", Actor.CentreCoordinator, "city");
    private static readonly Actor Officer = new("users/an-hai-bac-officer", "Trương Thị Kim Oanh", Actor.WardOfficer, "wards/an-hai-bac");
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
        var created = await FlaggedCase(Officer, "wards/an-hai-bac", "Ngô Thị Thảo");
        var dataDir = _host.DataDirectory;
        await _host.StopAsync();

        // Son Trà's conference ~30 s ahead; the agenda is built at that time (0 working days before).
        var (start, name, settings) = Planned("son-tra", TimeSpan.FromSeconds(30));
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

        await AssertBuiltAndAnnouncedOnce(prepared!, created.Name, "an-hai-bac");
    }

    [Fact]
    public async Task With_two_hosts_the_agenda_is_built_and_announced_once()
    {
        var officer = new Actor("users/xuan-ha-officer", "Huỳnh Thị Mỹ Duyên", Actor.WardOfficer, "wards/xuan-ha");
        var created = await FlaggedCase(officer, "wards/xuan-ha", "Đinh Văn Khôi");
        var dataDir = _host.DataDirectory;
        await _host.StopAsync();
        await _host.DisposeAsync();

        var (start, name, settings) = Planned("thanh-khe", TimeSpan.FromSeconds(35));
        _host = await PlatformHost.StartAsync(_db.ConnectionString, dataDir: dataDir, environment: settings);
        await using var second = await PlatformHost.StartAsync(_db.ConnectionString, dataDir: dataDir, environment: settings);
        Assert.True(DateTimeOffset.UtcNow < start, "The hosts took too long to start for this test's schedule.");
        var prepared = await WaitFor(name, c => c?.State == ConferenceState.Prepared, start - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30));

        Assert.Equal(start, prepared!.PreparationTime.ToDateTimeOffset());
        await AssertBuiltAndAnnouncedOnce(prepared, created.Name, "xuan-ha");
    }

    [Fact]
    public async Task A_moved_regular_conference_stays_moved_while_the_planner_keeps_running()
    {
        var client = new ConferenceService.ConferenceServiceClient(_host.As(Coordinator));
        Conference? regular = null;
        for (var i = 0; i < 100 && regular is null; i++)
        {
            regular = (await client.ListConferencesAsync(new ListConferencesRequest { Parent = "clusters/hai-chau" })).Conferences
                .FirstOrDefault(c => c.Kind == ConferenceKind.Regular);
            await Task.Delay(200);
        }
        Assert.NotNull(regular);
        var newStart = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(regular.StartTime.ToDateTimeOffset().AddDays(7));

        var moved = await client.RescheduleConferenceAsync(new RescheduleConferenceRequest
        {
            Name = regular.Name, StartTime = newStart, Reason = "Trùng lịch tiếp công dân", Etag = regular.Etag, RequestId = Guid.NewGuid().ToString(),
        });
        // The planner runs every second here: let it run a few times.
        await Task.Delay(TimeSpan.FromSeconds(4));

        var after = await client.GetConferenceAsync(new GetConferenceRequest { Name = regular.Name });
        Assert.Equal(newStart, after.StartTime);
        Assert.Equal(moved.Etag, after.Etag);
        Assert.Equal("Trùng lịch tiếp công dân", after.RescheduleReason);
        var all = await client.ListConferencesAsync(new ListConferencesRequest { Parent = "clusters/hai-chau" });
        Assert.Single(all.Conferences, c => c.Quarter == regular.Quarter && c.Kind == ConferenceKind.Regular);
        var centre = await new InboxService.InboxServiceClient(_host.As(Coordinator)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "centre/inbox", PageSize = 500 });
        Assert.Single(centre.Events, e => e.Type == InboxEventType.ConferenceRescheduled && e.Conference == regular.Name);
    }

    private async Task<Case> FlaggedCase(Actor officer, string ward, string person)
    {
        var cases = new CaseService.CaseServiceClient(_host.As(officer));
        var created = await cases.CreateCaseAsync(new CreateCaseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Case = new Case
            {
                Ward = ward, Source = IntakeSource.CollaboratorReport, Categories = { CaseCategory.Abused },
                Person = new Person { DisplayName = person, Sex = Sex.Male, ApproximateAgeYears = 10 },
            },
        });
        return await cases.SetConferenceFlagAsync(new SetConferenceFlagRequest
        {
            Name = created.Name, Flagged = true, Reason = "Cần phối hợp liên ngành", RequestId = Guid.NewGuid().ToString(),
        });
    }

    /// <summary>Settings that plan <paramref name="cluster"/>'s conference at a whole second <paramref name="ahead"/>, prepared at that time.</summary>
    private static (DateTimeOffset Start, string Name, Dictionary<string, string> Settings) Planned(string cluster, TimeSpan ahead)
    {
        var start = DateTimeOffset.UtcNow + ahead;
        start = new DateTimeOffset(start.Ticks - (start.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(start, Vietnam);
        var settings = FastSweeps;
        settings[$"Conferences__Clusters__{cluster}__Cron"] = local.ToString("s m H d M '?' yyyy", CultureInfo.InvariantCulture);
        return (start, $"clusters/{cluster}/conferences/{local.Year}-q{((local.Month - 1) / 3) + 1}", settings);
    }

    /// <summary>The agenda holds the flagged case; a few sweeps later nothing was built or sent twice.</summary>
    private async Task AssertBuiltAndAnnouncedOnce(Conference prepared, string flaggedCase, string ward)
    {
        var item = Assert.Single(prepared.Agenda);
        Assert.Equal(flaggedCase, item.Case);
        Assert.Equal([AgendaReason.Flagged], item.Reasons);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var later = await new ConferenceService.ConferenceServiceClient(_host.As(Coordinator)).GetConferenceAsync(new GetConferenceRequest { Name = prepared.Name });
        Assert.Equal(prepared.Etag, later.Etag);
        var centre = await new InboxService.InboxServiceClient(_host.As(Coordinator)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = "centre/inbox", PageSize = 500 });
        Assert.Single(centre.Events, e => e.Type == InboxEventType.ConferenceAgendaReady && e.Conference == prepared.Name);
        // A regular conference is announced by its agenda, not when the planner creates it.
        Assert.DoesNotContain(centre.Events, e => e.Type == InboxEventType.ConferenceScheduled && e.Conference == prepared.Name);
        var officer = new Actor($"users/{ward}-officer", "Cán bộ", Actor.WardOfficer, "wards/" + ward);
        var inbox = await new InboxService.InboxServiceClient(_host.As(officer)).ListInboxEventsAsync(new ListInboxEventsRequest { Inbox = $"wards/{ward}/inbox", PageSize = 500 });
        Assert.Single(inbox.Events, e => e.Type == InboxEventType.ConferenceAgendaReady && e.Conference == prepared.Name);
        var police = $"agencies/{ward}-police";
        var system = new Actor(police, "Công an phường", Actor.AgencySystem, police);
        var feed = await new PartnerService.PartnerServiceClient(_host.As(system)).ListEventsAsync(new ListEventsRequest { Agency = police, PageSize = 500 });
        Assert.Single(feed.Events, e => e.Type == PartnerEventType.Conference && e.Conference == prepared.Name);
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
