using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Status = Google.Rpc.Status;

namespace Coordination.Api.Grpc;

/// <summary>
/// Checks the gRPC length-prefixed frame of a single-message request (unary and server-streaming
/// methods) before grpc-dotnet reads it. grpc-dotnet answers a frame that lies about its length, a
/// compressed flag without grpc-encoding, a flag other than 0 or 1, or a compressed payload that does
/// not decompress with INTERNAL or UNKNOWN — a client's mistake reported as a server fault. Here they
/// are INVALID_ARGUMENT with a BadRequest naming the body (RESOURCE_EXHAUSTED for a length over the
/// receive limit). A compressed message is decompressed here and passed on uncompressed; an encoding
/// the host does not support is left to grpc-dotnet (UNIMPLEMENTED, as the gRPC compression spec says).
/// </summary>
public sealed class GrpcFramingGuard(RequestDelegate next, IOptions<GrpcServiceOptions> options)
{
    private const int HeaderSize = 5;

    /// <summary>Runs the check for gRPC calls that carry exactly one request message.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method is null || method.Type is not (MethodType.Unary or MethodType.ServerStreaming)
            || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true
            || context.Request.ContentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var limit = options.Value.MaxReceiveMessageSize ?? int.MaxValue;
        var reader = context.Request.BodyReader;
        var result = await reader.ReadAtLeastAsync(HeaderSize, context.RequestAborted);
        var buffer = result.Buffer;
        if (buffer.Length < HeaderSize)
        {
            reader.AdvanceTo(buffer.End);
            await Reject(context, Code.InvalidArgument, $"The request ended inside the 5-byte gRPC message header ({buffer.Length} bytes).");
            return;
        }
        var (flag, length) = ReadHeader(buffer);
        reader.AdvanceTo(buffer.Start);
        if (flag > 1)
        {
            await Reject(context, Code.InvalidArgument, $"The gRPC message header's compressed flag is {flag}; it must be 0 or 1.");
            return;
        }
        if (length > limit)
        {
            await Reject(context, Code.ResourceExhausted, $"The message is {length} bytes; the limit is {limit} bytes.");
            return;
        }
        var encoding = context.Request.Headers["grpc-encoding"].ToString();
        if (flag == 1 && (encoding.Length == 0 || encoding == "identity"))
        {
            await Reject(context, Code.InvalidArgument, "The message is flagged compressed but the request names no grpc-encoding.");
            return;
        }
        // Read the frame, and one byte more to see whether anything follows it.
        var frameLength = HeaderSize + (long)length;
        result = await reader.ReadAtLeastAsync((int)Math.Min(frameLength + 1, int.MaxValue), context.RequestAborted);
        buffer = result.Buffer;
        if (buffer.Length != frameLength)
        {
            reader.AdvanceTo(buffer.End);
            await Reject(context, Code.InvalidArgument, buffer.Length < frameLength
                ? $"The request ended after {buffer.Length - HeaderSize} of the {length} message bytes its header announced."
                : "Data follows the request message; this method takes exactly one message.");
            return;
        }
        var provider = flag == 1 ? options.Value.CompressionProviders.FirstOrDefault(p => p.EncodingName == encoding) : null;
        if (provider is null)
        {
            // Well-formed, or compressed with an encoding the host does not support (grpc-dotnet answers
            // UNIMPLEMENTED with the encodings it accepts): leave every byte in the pipe (examined, not
            // consumed) for grpc-dotnet to read.
            reader.AdvanceTo(buffer.Start, buffer.End);
            await next(context);
            return;
        }
        var payload = buffer.Slice(HeaderSize).ToArray();
        reader.AdvanceTo(buffer.End);
        byte[]? decompressed;
        try
        {
            decompressed = Decompress(provider, payload, limit);
        }
        catch (InvalidDataException e)
        {
            await Reject(context, Code.InvalidArgument, $"The message does not decompress as {encoding}: {e.Message}");
            return;
        }
        if (decompressed is null)
        {
            await Reject(context, Code.ResourceExhausted, $"The decompressed message is larger than the limit of {limit} bytes.");
            return;
        }
        // Passed on uncompressed, so grpc-dotnet does not decompress it again.
        context.Request.Headers.Remove("grpc-encoding");
        var frame = new byte[HeaderSize + decompressed.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)decompressed.Length);
        decompressed.CopyTo(frame, HeaderSize);
        context.Request.Body = new MemoryStream(frame);
        await next(context);
    }

    private static (byte Flag, uint Length) ReadHeader(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        return (header[0], BinaryPrimitives.ReadUInt32BigEndian(header[1..]));
    }

    // Null when the output passes the limit: a small body that inflates hugely (a "zip bomb").
    private static byte[]? Decompress(global::Grpc.Net.Compression.ICompressionProvider provider, byte[] payload, int limit)
    {
        using var input = provider.CreateDecompressionStream(new MemoryStream(payload));
        using var output = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
            {
                output.Write(chunk, 0, read);
                if (output.Length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return output.ToArray();
    }

    /// <summary>A trailers-only gRPC answer with google.rpc details naming the body.</summary>
    private static Task Reject(HttpContext context, Code code, string description)
    {
        var status = BodyStatus(code, "The request body is not a well-formed gRPC message / nội dung yêu cầu không hợp lệ.", description);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        context.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        return Task.CompletedTask;
    }

    /// <summary>google.rpc.Status for a bad request body: ErrorInfo, and BadRequest with the field <c>body</c>.</summary>
    internal static Status BodyStatus(Code code, string message, string description) => new()
    {
        Code = (int)code,
        Message = message,
        Details =
        {
            Any.Pack(new ErrorInfo { Reason = code == Code.ResourceExhausted ? "MESSAGE_TOO_LARGE" : "INVALID_ARGUMENT", Domain = ErrorInterceptor.Domain }),
            Any.Pack(new BadRequest
            {
                FieldViolations = { new BadRequest.Types.FieldViolation { Field = "body", Description = ErrorInterceptor.Bounded(description) } },
            }),
        },
    };
}
