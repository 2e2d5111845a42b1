using System.Diagnostics;

namespace Coordination.Silo.Common;

/// <summary>
/// Crash points for fault tests: when <c>COORD_FAULT_KILL_AT</c> names a point, the process kills
/// itself (SIGKILL, no clean-up) the moment it reaches it. Armed only in test mode
/// (<c>COORD_TEST_MODE=1</c>, announced loudly at every start); a host that finds the crash point set
/// without test mode refuses to start (see <see cref="StartupCheck"/>). Unset in every normal run.
/// </summary>
public static class FaultInjection
{
    /// <summary>Right after a grain's state write, before its read-model upsert.</summary>
    public const string AfterStateWrite = "after-state-write";

    /// <summary>Environment variable naming the crash point.</summary>
    public const string KillAtVariable = "COORD_FAULT_KILL_AT";

    /// <summary>Environment variable that turns test mode on.</summary>
    public const string TestModeVariable = "COORD_TEST_MODE";

    private static readonly string? Armed = Arm(Environment.GetEnvironmentVariable(KillAtVariable), Environment.GetEnvironmentVariable(TestModeVariable));

    /// <summary>The armed crash point for these settings: only in test mode.</summary>
    public static string? Arm(string? killAt, string? testMode) =>
        string.IsNullOrEmpty(killAt) || testMode != "1" ? null : killAt;

    /// <summary>
    /// What the host must say or do at start about fault injection: null when nothing is set; a
    /// warning to print loudly in test mode; an exception message when a crash point is set outside
    /// test mode (the host refuses to start).
    /// </summary>
    public static (string? Warning, string? Refusal) StartupCheck(string? killAt, string? testMode) =>
        (killAt, testMode) switch
        {
            ({ Length: > 0 }, not "1") => (null, $"{KillAtVariable} is set but this host is not in test mode: fault injection is for the test suite only. Unset {KillAtVariable}."),
            (_, "1") => ($"*** TEST MODE ({TestModeVariable}=1): not for real data; crash point {(string.IsNullOrEmpty(killAt) ? "none" : killAt)} armed. ***", null),
            _ => (null, null),
        };

    /// <summary>Dies here if this point is armed.</summary>
    public static void At(string point)
    {
        if (Armed == point)
        {
            Process.GetCurrentProcess().Kill();
        }
    }
}
