using Coordination.IntegrationTests.Reports;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// The integration tests run in three lanes, side by side; within a lane one test class at a time.
/// Every class starts real hosts (some a console and a browser too), and xUnit creates a class's
/// fixtures as soon as its collection starts, before its limit on parallel tests applies: with a
/// collection per class, all of them started their hosts at once and a 2-core machine spent the run
/// switching between idle hosts, while the tests that measure time (failover, reminders, schedules)
/// missed their marks. Three lanes keep the two cores busy without starving the tests that measure
/// time: two hold tests that mostly wait (one the faults and clusters — kills, failover, restarts —
/// the other schedules and reminders), the third the ones that mostly compute (browser, fuzzing, the
/// authorization matrix, reports). With two lanes the waiting lane alone took 9 of the 15 minutes.
/// Classes are placed so that the three lanes take about as long (measured 2026-11-30, the sums of
/// test times per lane in .test-output.log): the console outage test waits with the clocks, the
/// task store's with the work.
/// </summary>
public static class Lanes
{
    /// <summary>Kills, failover, outages, restarts, two-host clusters: mostly waiting on hosts.</summary>
    public const string Faults = "lane: faults and clusters";

    /// <summary>Schedules, reminders, escalations, revocations: mostly waiting on clocks.</summary>
    public const string Clocks = "lane: clocks";

    /// <summary>Browser, fuzzing, contract and reports: mostly computing.</summary>
    public const string Work = "lane: work";
}

/// <summary>The lane of faults and clusters.</summary>
[CollectionDefinition(Lanes.Faults)]
public sealed class FaultsLane;

/// <summary>The lane of clocks.</summary>
[CollectionDefinition(Lanes.Clocks)]
public sealed class ClocksLane;

/// <summary>The second lane; the report tests share one seeded host with hand-written facts.</summary>
[CollectionDefinition(Lanes.Work)]
public sealed class WorkLane : ICollectionFixture<ReportFixture>;
