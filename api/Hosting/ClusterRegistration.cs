using System.Net;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Coordination.Silo.Common;

namespace Coordination.Api.Hosting;

/// <summary>The Orleans silo of this host: clustering and grain state in PostgreSQL.</summary>
public static class ClusterRegistration
{
    /// <summary>ADO.NET invariant name under which Npgsql is registered for Orleans.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Co-hosts the silo: membership through Orleans' ADO.NET clustering, grain state through ADO.NET storage.</summary>
    public static WebApplicationBuilder AddPlatformCluster(this WebApplicationBuilder builder, HostingOptions hosting, NpgsqlDataSource dataSource)
    {
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = hosting.ClusterId;
                o.ServiceId = "coordination-platform";
            });
            var siloIp = IPAddress.TryParse(hosting.SiloAddress, out var parsed) ? parsed : IPAddress.Loopback;
            // Gateway port 0: the silo is co-hosted with the gRPC services, no external Orleans clients.
            silo.ConfigureEndpoints(siloIp, hosting.SiloPort, 0, listenOnAnyHostAddress: false);
            // Failure detection (docs/reliability.md): a silo that stops answering probes is declared dead
            // after 3 missed probes 2 s apart, so after kill -9 of one of two hosts the survivor served
            // everything again 2.4-5.5 s later (with the 5 s default: 11.5-13 s, over the 10 s target).
            // Three misses rather than two, and Orleans' degradation monitor (a silo that sees itself
            // starved lengthens its probe timeouts and weighs less as a voter), keep a busy 2-core host
            // from being evicted. Overridable per deployment through the "Membership" section.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 3;
                o.NumVotesForDeathDeclaration = 2;
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(60);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
                o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
                o.ExtendProbeTimeoutDuringDegradation = true;
                o.EnableIndirectProbes = true;
                builder.Configuration.GetSection("Membership").Bind(o);
            });
            // A grain call whose target silo died mid-call fails when the silo is declared dead; one
            // to a live but stuck silo fails after 15 s instead of the default 30 s, inside the 30 s
            // deadline unary calls get when the client sets none.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15));
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = dataSource.ConnectionString;
            });
            silo.AddAdoNetGrainStorage(StorageNames.Store, o => o.Configure<Serializer>((options, serializer) =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = dataSource.ConnectionString;
                // Orleans' own version-tolerant format: state types carry [Alias] and [Id], so renaming a
                // class or namespace does not orphan stored rows (the JSON default embeds type names).
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        });
        return builder;
    }
}
