using System.Diagnostics;

namespace Coordination.Silo.Common;

/// <summary>
/// Crash points for fault tests: when <c>COORD_FAULT_KILL_AT</c> names a point, the process kills
/// itself (SIGKILL, no clean-up) the moment it reaches it. Unset in every normal run.
/// </summary>
public static class FaultInjection
{
    /// <summary>Right after a grain's state write, before its read-model upsert.</summary>
    public const string AfterStateWrite = "after-state-write";

    private static readonly string? Armed = Environment.GetEnvironmentVariable("COORD_FAULT_KILL_AT");

    /// <summary>Dies here if this point is armed.</summary>
    public static void At(string point)
    {
        if (Armed == point)
        {
            Process.GetCurrentProcess().Kill();
        }
    }
}
