using System.Reflection;
using Coordination.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// The platform contract as the tests see it: every service of every file of package
/// <c>coordination.v1</c> compiled into the contract assembly, found by reflection over the assembly
/// itself (no hand-kept list), and the same list as a running host announces it through gRPC server
/// reflection. The authorization matrix, the audit-completeness test and the fuzzer all iterate it,
/// so a new service or method cannot be left out of them.
/// </summary>
public static class Contract
{
    /// <summary>The contract's protobuf package.</summary>
    public const string Package = "coordination.v1";

    /// <summary>Every service of the package, ordered by full name.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } = typeof(CasesReflection).Assembly.GetTypes()
        .Where(t => t.IsAbstract && t.IsSealed) // static classes: the generated *Reflection holders
        .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
        .Where(p => p?.PropertyType == typeof(FileDescriptor))
        .Select(p => (FileDescriptor)p!.GetValue(null)!)
        .Where(f => f.Package == Package)
        .SelectMany(f => f.Services)
        .OrderBy(s => s.FullName, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Every method of every service, in a stable order (service, then method).</summary>
    public static IReadOnlyList<MethodDescriptor> Methods { get; } =
        [.. Services.SelectMany(s => s.Methods.OrderBy(m => m.Name, StringComparer.Ordinal))];

    /// <summary><c>Service/Method</c>, the key the matrix and the audit table use.</summary>
    public static string Key(MethodDescriptor m) => $"{m.Service.Name}/{m.Name}";

    /// <summary>
    /// The <c>Service/Method</c> keys of package <c>coordination.v1</c> that a running host serves, as
    /// its gRPC reflection service describes them (the file of each service, decoded from its
    /// FileDescriptorProto).
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReflectedMethodsAsync(CallInvoker invoker)
    {
        var client = new ServerReflection.ServerReflectionClient(invoker);
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service
            .Select(s => s.Name)
            .Where(n => n.StartsWith(Package + ".", StringComparison.Ordinal))
            .ToList();
        var methods = new List<string>();
        foreach (var service in services)
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = service });
            Assert.True(await call.ResponseStream.MoveNext());
            var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
                .Select(b => FileDescriptorProto.Parser.ParseFrom(b));
            var shortName = service[(Package.Length + 1)..];
            var described = files.Where(f => f.Package == Package).SelectMany(f => f.Service).First(s => s.Name == shortName);
            methods.AddRange(described.Method.Select(m => $"{shortName}/{m.Name}"));
        }
        await call.RequestStream.CompleteAsync();
        return [.. methods.Order(StringComparer.Ordinal)];
    }
}
