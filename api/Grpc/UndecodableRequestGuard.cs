using System.Reflection;
using Google.Protobuf;
using Google.Rpc;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Type = System.Type;

namespace Coordination.Api.Grpc;

/// <summary>
/// Binds every gRPC service as grpc-dotnet's own binder does (the generated <c>BindService</c>), but
/// with request deserializers that answer a body which is not a protobuf message of the request type
/// with INVALID_ARGUMENT and a BadRequest naming the body. grpc-dotnet parses the request before any
/// interceptor runs and reports a parser exception as UNKNOWN ("Exception was thrown by handler"),
/// which tells a partner nothing and looks like a server fault; an RpcException thrown from the
/// deserializer is passed through with its status and trailers.
/// </summary>
/// <remarks>Registered in place of grpc-dotnet's <c>BinderServiceMethodProvider&lt;&gt;</c> by <see cref="UndecodableRequestGuard.Register"/>.</remarks>
public sealed class UndecodableRequestGuard<TService> : IServiceMethodProvider<TService> where TService : class
{
    /// <inheritdoc/>
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var (bind, serviceBase) = FindBindMethod();
        if (bind is null)
        {
            return; // Not a generated service (nothing for the default binder either).
        }
        bind.Invoke(null, [new Binder(context, serviceBase!), null]);
    }

    // The generated base class carries [BindServiceMethod(typeof(XService), "BindService")].
    // Returns the static bind method and the generated base class whose virtual methods it binds.
    private static (MethodInfo? Bind, Type? ServiceBase) FindBindMethod()
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return (attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .FirstOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is { Length: 2 } p
                        && p[0].ParameterType == typeof(ServiceBinderBase)), type);
            }
        }
        return (null, null);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Guarded(method), Metadata(method.Name, [typeof(TRequest), typeof(ServerCallContext)], out var m),
                m.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Guarded(method), Metadata(method.Name, [typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)], out var m),
                m.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Guarded(method), Metadata(method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)], out var m),
                m.CreateDelegate<ClientStreamingServerMethod<TService, TRequest, TResponse>>());

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Guarded(method), Metadata(method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)], out var m),
                m.CreateDelegate<DuplexStreamingServerMethod<TService, TRequest, TResponse>>());

        // As grpc-dotnet: the public instance method overriding the generated base's virtual one;
        // attributes of the class, then of the method; POST only (with CORS preflight).
        private List<object> Metadata(string name, Type[] parameters, out MethodInfo method)
        {
            method = FindHandler(name, parameters) ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(method.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }

        private MethodInfo? FindHandler(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var candidate = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, null, parameters, null);
                if (candidate is null)
                {
                    return null;
                }
                if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == serviceBase)
                {
                    return candidate;
                }
            }
            return null;
        }
    }

    private static Method<TRequest, TResponse> Guarded<TRequest, TResponse>(Method<TRequest, TResponse> method)
    {
        var inner = method.RequestMarshaller;
        var requestType = method.ServiceName + "/" + method.Name + " request";
        var guarded = new Marshaller<TRequest>(inner.ContextualSerializer, context =>
        {
            try
            {
                return inner.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw Undecodable(typeof(TRequest), requestType, e);
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, guarded, method.ResponseMarshaller);
    }

    private static RpcException Undecodable(Type type, string what, InvalidProtocolBufferException e)
    {
        var message = type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Google.Protobuf.Reflection.MessageDescriptor d
            ? d.FullName
            : what;
        return GrpcFramingGuard.BodyStatus(Code.InvalidArgument,
            $"The request body is not a {message} in protobuf binary format / nội dung yêu cầu không đọc được.",
            $"Undecodable {message}: {e.Message}").ToRpcException();
    }
}

/// <summary>Registration of <see cref="UndecodableRequestGuard{TService}"/>.</summary>
public static class UndecodableRequestGuard
{
    /// <summary>Replaces grpc-dotnet's binder with this one, for every service.</summary>
    public static void Register(IServiceCollection services)
    {
        var defaults = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType?.FullName?.StartsWith("Grpc.AspNetCore.Server.Model.Internal.BinderServiceMethodProvider", StringComparison.Ordinal) == true).ToList();
        if (defaults.Count != 1)
        {
            // A grpc-dotnet upgrade renamed its binder: fail at start rather than bind every method twice.
            throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider was not found; review UndecodableRequestGuard.");
        }
        services.Remove(defaults[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(UndecodableRequestGuard<>));
    }
}
