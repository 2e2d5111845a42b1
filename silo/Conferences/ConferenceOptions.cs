namespace Coordination.Silo.Conferences;

/// <summary>When quarterly conferences take place and are prepared (section <c>Conferences</c>).</summary>
public sealed class ConferenceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Conferences";

    /// <summary>
    /// Quartz cron of the regular conference, in Asia/Ho_Chi_Minh: by default the second Tuesday of
    /// each quarter's first month at 08:00. The first fire in a quarter is that quarter's conference.
    /// </summary>
    public string Cron { get; set; } = "0 0 8 ? 1,4,7,10 TUE#2";

    /// <summary>Per-cluster overrides, by cluster id.</summary>
    public Dictionary<string, ClusterConferenceOptions> Clusters { get; set; } = [];

    /// <summary>The agenda is built this many working days before the start.</summary>
    public int PreparationWorkingDays { get; set; } = 10;

    /// <summary>Where conferences take place unless a cluster or occurrence says otherwise.</summary>
    public string Location { get; set; } = "Trung tâm Công tác xã hội thành phố";

    /// <summary>How often the planner looks for conferences to plan and agendas due.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Cron of <paramref name="clusterId"/>.</summary>
    public string CronFor(string clusterId) =>
        Clusters.TryGetValue(clusterId, out var c) && !string.IsNullOrWhiteSpace(c.Cron) ? c.Cron : Cron;

    /// <summary>Location of <paramref name="clusterId"/>'s conferences.</summary>
    public string LocationFor(string clusterId) =>
        Clusters.TryGetValue(clusterId, out var c) && !string.IsNullOrWhiteSpace(c.Location) ? c.Location : Location;
}

/// <summary>A cluster's own schedule.</summary>
public sealed class ClusterConferenceOptions
{
    /// <summary>Quartz cron of the cluster's regular conference; empty = the default.</summary>
    public string Cron { get; set; } = "";

    /// <summary>Where the cluster meets; empty = the default.</summary>
    public string Location { get; set; } = "";
}
