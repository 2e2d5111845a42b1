using Coordination.Silo.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// Orleans' ADO.NET grain storage on a test database, configured as the platform configures it (and
/// configured it for tasks before the task store), outside the platform's host: to store state the
/// way an earlier version did, or to read what a grain stored.
/// </summary>
public static class OldGrainStorage
{
    /// <summary>Runs <paramref name="use"/> with the storage and the id of the grain <paramref name="grain"/> names.</summary>
    public static async Task UseAsync(string connectionString, Func<IGrainFactory, GrainId> grain, Func<IGrainStorage, GrainId, Task> use)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(PlatformHost.FreePort(), PlatformHost.FreePort(), serviceId: "coordination-platform", clusterId: "old-storage-" + Guid.NewGuid().ToString("N")[..8]);
            silo.AddAdoNetGrainStorage(StorageNames.Store, o => o.Configure<Serializer>((options, serializer) =>
            {
                options.Invariant = Api.Hosting.ClusterRegistration.Invariant;
                options.ConnectionString = connectionString;
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        });
        using var silo = builder.Build();
        await silo.StartAsync();
        try
        {
            await use(silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store), grain(silo.Services.GetRequiredService<IGrainFactory>()));
        }
        finally
        {
            await silo.StopAsync();
        }
    }
}
