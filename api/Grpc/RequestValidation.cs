using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coordination.Silo.Common;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

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

    /// <summary>
    /// Checks page_size and decodes page_token for a list with the given filter: the one validator of
    /// every page token. A token that is not base64url JSON of ours, was issued for other filters (each
    /// list's filter key differs, so a token of another list fails too), or whose position is not of
    /// the <paramref name="cursor"/> form (a tampered offset or keyset) is INVALID_ARGUMENT naming
    /// page_token. Tokens are not signed: a well-formed but edited position only moves the caller
    /// within the list, because every query applies the caller's scope itself.
    /// </summary>
    public (int Size, string After) Page(int pageSize, string? pageToken, string filterKey, PageCursor cursor = PageCursor.Id)
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
        var token = pageToken.Length > MaxPageTokenLength ? null : PageToken.Decode(pageToken);
        if (token is null || token.Filter != filterKey || !PageToken.IsPosition(token.After, cursor))
        {
            Add("page_token", "Not a token from this list with these filters / page_token không hợp lệ.");
            return (size, "");
        }
        return (size, token.After);
    }

    /// <summary>Longest page token accepted (ours are far shorter).</summary>
    public const int MaxPageTokenLength = 2048;

    /// <summary>
    /// Checks what no service method checks itself, in every field of any request: timestamps must be
    /// valid (0001-01-01 to 9999-12-31, nanos 0–999 999 999; converting others throws), and text must
    /// be Unicode that NFC normalisation accepts and PostgreSQL can store (no U+0000).
    /// </summary>
    public static void CheckWireValues(IMessage request)
    {
        var v = new RequestValidation();
        v.WireValues(request, "", 0);
        v.ThrowIfAny();
    }

    private void WireValues(IMessage message, string path, int depth)
    {
        // Parsing already limits nesting to 100 levels; the check stops well before that.
        if (depth > 32 || _violations.Count >= 20)
        {
            return;
        }
        if (message is Timestamp t)
        {
            if (t.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || t.Nanos is < 0 or > 999_999_999)
            {
                Add(path, "Not a valid time (years 0001–9999, nanos 0–999999999) / thời điểm không hợp lệ.");
            }
            return;
        }
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType is not (FieldType.String or FieldType.Message) || field.IsMap)
            {
                continue;
            }
            var name = path.Length == 0 ? field.Name : path + "." + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (IEnumerable)value)
                {
                    WireValue(item, $"{name}[{i++}]", depth);
                }
            }
            else
            {
                WireValue(value, name, depth);
            }
        }
    }

    private void WireValue(object? value, string path, int depth)
    {
        switch (value)
        {
            case string s when s.Contains('\0', StringComparison.Ordinal):
                Add(path, "Must not contain the NUL character (U+0000) / không được chứa ký tự NUL.");
                break;
            case string s when !IsNormalizable(s):
                Add(path, "Contains code points that are not valid Unicode text / chứa ký tự không hợp lệ.");
                break;
            case IMessage nested:
                WireValues(nested, path, depth + 1);
                break;
        }
    }

    private static bool IsNormalizable(string s)
    {
        try
        {
            _ = s.IsNormalized(NormalizationForm.FormC);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

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

    /// <summary>Decodes a token; null when it is not one of ours (not base64url, not our JSON, a field missing).</summary>
    public static PageToken? Decode(string token)
    {
        try
        {
            if (token.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')))
            {
                return null;
            }
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var t = JsonSerializer.Deserialize<PageToken>(new UTF8Encoding(false, true).GetString(Convert.FromBase64String(b64)));
            return t is { After: not null, Filter: not null } ? t : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or DecoderFallbackException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="after"/> is a position of the given form (what the list's query will parse).</summary>
    public static bool IsPosition(string after, PageCursor cursor)
    {
        if (after.Length is 0 or > 400 || after.Any(char.IsControl))
        {
            return false;
        }
        return cursor switch
        {
            PageCursor.Keyset => KeysetCursor.Parse(after) is not null,
            PageCursor.Offset => int.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0,
            PageCursor.Sequence => long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0,
            _ => true,
        };
    }
}

/// <summary>The form of a page token's position, checked when the token is read.</summary>
public enum PageCursor
{
    /// <summary>The last id returned (ordered lists of ids).</summary>
    Id,

    /// <summary>A keyset "ticks|id" (<see cref="KeysetCursor"/>).</summary>
    Keyset,

    /// <summary>A positive offset into a list computed per call.</summary>
    Offset,

    /// <summary>A positive sequence number (the audit trail's ids).</summary>
    Sequence,
}
