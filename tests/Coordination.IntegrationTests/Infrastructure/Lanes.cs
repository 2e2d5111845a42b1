using Coordination.IntegrationTests.Reports;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// The integration tests run in two lanes, side by side; within a lane one test class at a time.
/// Every class starts real hosts (some a console and a browser too), and xUnit creates a class's
/// fixtures as soon as its collection starts, before its limit on parallel tests applies: with a
/// collection per class, all of them started their hosts at once and a 2-core machine spent the run
/// switching between idle hosts, while the tests that measure time (failover, reminders, schedules)
/// missed their marks. Two lanes keep two things running: the first holds the tests that mostly wait
/// on clocks (faults, schedules, reminders, two-host clusters), the second the ones that mostly
/// compute (browser, fuzzing, the authorization matrix, reports).
/// </summary>
public static class Lanes
{
    /// <summary>Faults, schedules, reminders, clusters: mostly waiting on clocks.</summary>
    public const string Clocks = "lane: clocks and faults";

    /// <summary>Browser, fuzzing, contract and reports: mostly computing.</summary>
    public const string Work = "lane: work";
}

/// <summary>The first lane.</summary>
[CollectionDefinition(Lanes.Clocks)]
public sealed class ClocksLane;

/// <summary>The second lane; the report tests share one seeded host with hand-written facts.</summary>
[CollectionDefinition(Lanes.Work)]
public sealed class WorkLane : ICollectionFixture<ReportFixture>;
