using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coordination.Silo.Common;

namespace Coordination.Api.Grpc;

/// <summary>
/// Collects every bad field of one request, then throws them together, so a caller fixes its request
/// in one round trip. Field names are the proto field paths.
/// </summary>
public sealed partial class RequestValidation
{
    private readonly List<FieldViolation> _violations = [];

    /// <summary>Largest page a list returns.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Page size when the caller leaves it at 0.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>Records a violation.</summary>
    public RequestValidation Add(string field, string description)
    {
        _violations.Add(new FieldViolation(field, description));
        return this;
    }

    /// <summary>Whether a violation was recorded for <paramref name="field"/>.</summary>
    public bool HasViolation(string field) => _violations.Any(v => v.Field == field);

    /// <summary>Throws InvalidArgumentException when any violation was recorded.</summary>
    public void ThrowIfAny()
    {
        if (_violations.Count > 0)
        {
            throw new InvalidArgumentException(_violations);
        }
    }

    /// <summary>Requires a non-blank text of at most <paramref name="maxLength"/> characters.</summary>
    public RequestValidation Required(string field, string? value, int maxLength = 500)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "Required / bắt buộc.");
        }
        return MaxLength(field, value, maxLength);
    }

    /// <summary>Refuses text longer than <paramref name="maxLength"/> characters.</summary>
    public RequestValidation MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters / tối đa {maxLength} ký tự.");
        }
        return this;
    }

    /// <summary>A request id: required, at most 100 characters.</summary>
    public RequestValidation RequestId(string field, string? value) => Required(field, value, 100);

    /// <summary>
    /// Parses <c>{collection}/{id}</c>; records a violation and returns null when it is malformed.
    /// Empty input returns null with a violation only when <paramref name="required"/>.
    /// </summary>
    public string? ResourceId(string field, string? name, string collection, bool required = true)
    {
        if (string.IsNullOrEmpty(name))
        {
            if (required)
            {
                Add(field, $"Required: a name like {collection}/... / bắt buộc.");
            }
            return null;
        }
        var prefix = collection + "/";
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !IdPattern().IsMatch(name.AsSpan(prefix.Length)))
        {
            Add(field, $"Must be {collection}/{{id}} with an id of lower-case letters, digits and hyphens / sai định dạng.");
            return null;
        }
        return name[prefix.Length..];
    }

    /// <summary>
    /// Parses <c>{collection}/{id}</c> for a server-assigned id (e.g. <c>cases/DN-2026-000123</c>);
    /// records a violation and returns null when it is malformed or (when required) empty.
    /// </summary>
    public string? ServerId(string field, string? name, string collection, bool required = true)
    {
        if (string.IsNullOrEmpty(name))
        {
            if (required)
            {
                Add(field, $"Required: a name like {collection}/... / bắt buộc.");
            }
            return null;
        }
        var prefix = collection + "/";
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !ServerIdPattern().IsMatch(name.AsSpan(prefix.Length)))
        {
            Add(field, $"Must be {collection}/{{id}} / sai định dạng.");
            return null;
        }
        return name[prefix.Length..];
    }

    /// <summary>Requires a defined, non-zero enum value.</summary>
    public RequestValidation Enum<T>(string field, T value, bool required = true) where T : struct, System.Enum
    {
        if (!System.Enum.IsDefined(value) || (required && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0))
        {
            Add(field, required ? "Required: choose one of the listed values / bắt buộc chọn giá trị hợp lệ." : "Unknown value / giá trị không hợp lệ.");
        }
        return this;
    }

    /// <summary>Validates a client-chosen id (AIP-122 style).</summary>
    public RequestValidation NewId(string field, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return Add(field, "Required / bắt buộc.");
        }
        if (!IdPattern().IsMatch(id))
        {
            Add(field, "3–63 characters: lower-case letters, digits and hyphens, starting with a letter / sai định dạng.");
        }
        return this;
    }

    /// <summary>Checks page_size and decodes page_token for a list with the given filter.</summary>
    public (int Size, string After) Page(int pageSize, string? pageToken, string filterKey)
    {
        var size = pageSize == 0 ? DefaultPageSize : pageSize;
        if (pageSize < 0 || pageSize > MaxPageSize)
        {
            Add("page_size", $"Must be between 0 and {MaxPageSize} / phải từ 0 đến {MaxPageSize}.");
        }
        if (string.IsNullOrEmpty(pageToken))
        {
            return (size, "");
        }
        var token = PageToken.Decode(pageToken);
        if (token is null || token.Filter != filterKey)
        {
            Add("page_token", "Not a token from this list with these filters / page_token không hợp lệ.");
            return (size, "");
        }
        return (size, token.After);
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{2,62}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")]
    private static partial Regex ServerIdPattern();
}

/// <summary>
/// Opaque keyset page token: the last id returned plus the filters it was issued for, so a token
/// is never applied to a different query.
/// </summary>
public sealed record PageToken(string After, string Filter)
{
    /// <summary>Encodes the token for the wire.</summary>
    public string Encode() => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a token; null when it is not one of ours.</summary>
    public static PageToken? Decode(string token)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            return JsonSerializer.Deserialize<PageToken>(Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
