namespace Coordination.Silo.Common;

/// <summary>
/// Base of the domain errors grains throw. The host maps each kind to one gRPC status code;
/// messages never contain personal data (ids only), since they reach logs and callers.
/// </summary>
[GenerateSerializer]
public abstract class CoordinationException : Exception
{
    /// <summary>Creates the exception with a stable machine-readable reason.</summary>
    protected CoordinationException(string reason, string message) : base(message) => Reason = reason;

    /// <summary>Stable, machine-readable reason (UPPER_SNAKE_CASE), sent as google.rpc.ErrorInfo.</summary>
    [Id(0)]
    public string Reason { get; }
}

/// <summary>The addressed resource does not exist.</summary>
[GenerateSerializer, Alias("coord.NotFoundException")]
public sealed class NotFoundException(string resource)
    : CoordinationException("NOT_FOUND", $"{resource} was not found / không tìm thấy {resource}.")
{
    /// <summary>Resource name that was looked up.</summary>
    [Id(0)]
    public string Resource { get; } = resource;
}

/// <summary>The caller's etag no longer matches: someone else changed the resource first.</summary>
[GenerateSerializer, Alias("coord.StaleEtagException")]
public sealed class StaleEtagException(string resource, string currentEtag)
    : CoordinationException("STALE_ETAG", $"{resource} was changed by someone else (current etag {currentEtag}); read it again / dữ liệu đã bị thay đổi, hãy tải lại.")
{
    /// <summary>Resource name.</summary>
    [Id(0)]
    public string Resource { get; } = resource;

    /// <summary>The etag the resource has now.</summary>
    [Id(1)]
    public string CurrentEtag { get; } = currentEtag;
}

/// <summary>A different request already created a resource with this id.</summary>
[GenerateSerializer, Alias("coord.AlreadyExistsException")]
public sealed class AlreadyExistsException(string resource)
    : CoordinationException("ALREADY_EXISTS", $"{resource} already exists / {resource} đã tồn tại.")
{
    /// <summary>Resource name.</summary>
    [Id(0)]
    public string Resource { get; } = resource;
}

/// <summary>One bad field of a request, named by its proto field path.</summary>
[GenerateSerializer, Alias("coord.FieldViolation")]
public sealed record FieldViolation([property: Id(0)] string Field, [property: Id(1)] string Description);

/// <summary>The request is invalid; each bad field is named.</summary>
[GenerateSerializer, Alias("coord.InvalidArgumentException")]
public sealed class InvalidArgumentException(IReadOnlyList<FieldViolation> violations)
    : CoordinationException("INVALID_ARGUMENT", "Invalid request: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    /// <summary>Creates the exception for one bad field.</summary>
    public InvalidArgumentException(string field, string description) : this([new FieldViolation(field, description)])
    {
    }

    /// <summary>The bad fields.</summary>
    [Id(0)]
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>The action is not allowed in the resource's current state (e.g. an illegal transition).</summary>
[GenerateSerializer, Alias("coord.FailedPreconditionException")]
public sealed class FailedPreconditionException(string reason, string message)
    : CoordinationException(reason, message)
{
}

/// <summary>
/// The caller may not do this. Worded so it does not reveal whether the resource exists.
/// </summary>
[GenerateSerializer, Alias("coord.PermissionDeniedException")]
public sealed class PermissionDeniedException(string message)
    : CoordinationException("PERMISSION_DENIED", message)
{
}
