using System.Net.Sockets;
using Google.Rpc;
using Grpc.Core;

namespace Coordination.WebConsole.Platform;

/// <summary>What went wrong with a call to the platform, in the terms a page needs to show it.</summary>
public enum ProblemKind
{
    /// <summary>Bad input: see <see cref="Problem.Fields"/>.</summary>
    Invalid,
    /// <summary>Not the person's to see or do (or not in their jurisdiction).</summary>
    Denied,
    /// <summary>No such record.</summary>
    NotFound,
    /// <summary>Someone else changed the record since it was shown (stale etag).</summary>
    Stale,
    /// <summary>The record is not in a state that allows this (e.g. a task already accepted).</summary>
    Refused,
    /// <summary>The platform cannot be reached or is not serving.</summary>
    Unavailable,
    /// <summary>The session has ended (expired, signed out elsewhere, account disabled).</summary>
    SignedOut,
    /// <summary>Too many requests; try again shortly.</summary>
    Limited,
    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>A refused or failed call: its kind, the platform's message and the bad fields.</summary>
public sealed record Problem(ProblemKind Kind, string Message, IReadOnlyDictionary<string, string> Fields, string Reason)
{
    /// <summary>Reads a failed call.</summary>
    public static Problem From(RpcException e)
    {
        var status = e.GetRpcStatus();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in status?.GetDetail<BadRequest>()?.FieldViolations ?? [])
        {
            fields[v.Field] = fields.TryGetValue(v.Field, out var before) ? before + " " + v.Description : v.Description;
        }
        var reason = status?.GetDetail<ErrorInfo>()?.Reason ?? "";
        var kind = e.StatusCode switch
        {
            StatusCode.InvalidArgument => ProblemKind.Invalid,
            StatusCode.PermissionDenied => ProblemKind.Denied,
            StatusCode.NotFound => ProblemKind.NotFound,
            StatusCode.Aborted => ProblemKind.Stale,
            StatusCode.FailedPrecondition or StatusCode.AlreadyExists or StatusCode.OutOfRange => ProblemKind.Refused,
            StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled => ProblemKind.Unavailable,
            StatusCode.Unauthenticated => ProblemKind.SignedOut,
            StatusCode.ResourceExhausted => ProblemKind.Limited,
            StatusCode.Internal when e.InnerException is HttpRequestException or SocketException => ProblemKind.Unavailable,
            _ => ProblemKind.Other,
        };
        return new Problem(kind, e.Status.Detail, fields, reason);
    }

    /// <summary>The platform could not be reached at all.</summary>
    public static Problem Unreachable(string message) => new(ProblemKind.Unavailable, message, new Dictionary<string, string>(), "");

    /// <summary>The message for <paramref name="field"/> (a proto field path, or a prefix of one), or null.</summary>
    public string? For(string field)
    {
        if (Fields.TryGetValue(field, out var message))
        {
            return message;
        }
        var nested = Fields.Where(f => f.Key.StartsWith(field + ".", StringComparison.Ordinal) || f.Key.StartsWith(field + "[", StringComparison.Ordinal)).Select(f => f.Value).ToList();
        return nested.Count > 0 ? string.Join(" ", nested) : null;
    }
}
