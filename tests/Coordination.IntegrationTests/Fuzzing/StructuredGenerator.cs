using System.Collections;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Coordination.IntegrationTests.Fuzzing;

/// <summary>Real resource names and etags on the fuzzed host, so generated requests reach past the name checks.</summary>
public sealed class FuzzWorld
{
    public List<string> Cases { get; } = [];
    public List<string> Tasks { get; } = [];
    public List<string> Etags { get; } = [];
    public List<string> PageTokens { get; } = [];
    public string[] Wards { get; init; } = ["wards/hai-chau-1", "wards/hai-chau-2", "wards/thach-thang"];
    public string[] Clusters { get; init; } = ["clusters/hai-chau"];
    public string[] Agencies { get; init; } = ["agencies/hai-chau-1-police", "agencies/hai-chau-1-health", "agencies/danang-swc", "agencies/danang-hospital"];
    public string[] Users { get; init; } = ["users/hai-chau-1-officer", "users/hai-chau-1-vice-chair"];
}

/// <summary>
/// Builds request messages of any type from its descriptor with random, mostly hostile values:
/// empty, overlong and oddly shaped names, control characters, bidi marks, NFD Vietnamese, huge and
/// negative numbers, enum numbers the contract does not define, timestamps outside 0001–9999, random
/// etags and page tokens, repeated ids. Each field is set with some probability, so many requests
/// are only slightly wrong and reach deep into the services.
/// </summary>
public sealed class StructuredGenerator(FuzzWorld world)
{
    private const int MaxDepth = 4;

    /// <summary>Odd but valid-UTF-16 text (no unpaired surrogates: proto strings must be UTF-8).</summary>
    public static readonly string[] OddStrings =
    [
        "", " ", "   ", "\t", "\r\n", "\0", "a\0b", "\u0001\u0002\u001f\u007f", "\u0085", "\u2028\u2029",
        "\u200f\u202e\u2066abc\u2069", "\u200b", "\ufeff", "\u200d\u200c", "\uffff", "\ufffe", "\ufffd", "\ue000",
        "Nguye\u0302\u0303n Thi\u0323 Ha\u0300ng", // NFD Vietnamese
        "Nguyễn Thị Hằng", "Phường Hải Châu I", "Đặng", "ĐẶNG MINH KHOA",
        "a\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301",
        "😀", "👨‍👩‍👧‍👦", "🏳️‍🌈", "\U0001F9D1\U0001F3FD\u200D\u2695\uFE0F", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "'; drop table cases; --", "\" or 1=1 --", "%s%s%n%x", "${jndi:ldap://x/a}", "{{7*7}}", "<script>alert(1)</script>",
        "../../etc/passwd", "..\\..\\windows", "null", "NaN", "-0", "1e309", "9223372036854775808",
        "{\"After\":null,\"Filter\":null}", "AAAA", "====", "-_-_", "\\u0000", "%00", "%ff%fe",
        "ｗａｒｄｓ／ｈａｉ－ｃｈａｕ－１", "İı", "ß", "ﬃ", "\u0130\u0131", "Ω", "ᾯ",
    ];

    private static readonly string[] Collections = ["cases", "tasks", "wards", "clusters", "agencies", "users", "events", "audit"];

    /// <summary>
    /// A request that is right in every field but about one in <paramref name="hostileOneIn"/>: such
    /// requests pass validation often enough to reach the grains (state machine, etags, idempotency).
    /// <paramref name="names"/> is the collection the RPC's <c>name</c> field addresses.
    /// </summary>
    public IMessage Plausible(MessageDescriptor type, string names, Random r, int hostileOneIn = 6, int depth = 0)
    {
        var message = type.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            if (field.IsMap || r.Next(8) == 0)
            {
                continue; // left empty
            }
            var hostile = r.Next(hostileOneIn) == 0;
            object? One() => hostile ? Value(field, r, depth)
                : field.FieldType == FieldType.Message && field.MessageType.FullName != Timestamp.Descriptor.FullName
                    && field.MessageType.FullName != FieldMask.Descriptor.FullName
                    ? depth < MaxDepth ? Plausible(field.MessageType, names, r, hostileOneIn * 2, depth + 1) : null
                    : PlausibleValue(field, names, r);
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (var i = r.Next(1, 3); i > 0; i--)
                {
                    if (One() is { } item)
                    {
                        list.Add(item);
                    }
                }
            }
            else if (One() is { } value)
            {
                field.Accessor.SetValue(message, value);
            }
        }
        return message;
    }

    // Revoking a principal the fuzzer itself calls as would turn its later calls into UNAUTHENTICATED:
    // what RevokeToken promises, not a finding. Its principal field gets principals nobody calls as.
    private static bool RevokesPrincipal(FieldDescriptor field) => field.Name == "principal" && field.ContainingType.Name == "RevokeTokenRequest";

    private static string Throwaway(Random r) => r.Next(2) == 0 ? "users/fuzz-revoked-" + r.Next(100) : "agencies/fuzz-revoked-" + r.Next(100);

    private object? PlausibleValue(FieldDescriptor field, string names, Random r) => field.FieldType switch
    {
        FieldType.String when RevokesPrincipal(field) => Throwaway(r),
        FieldType.String => field.Name switch
        {
            "name" => names switch
            {
                "cases" => Pick(r, [.. world.Cases]),
                "tasks" => Pick(r, [.. world.Tasks]),
                "clusters" => Pick(r, world.Clusters),
                "agencies" => Pick(r, world.Agencies),
                "users" => Pick(r, world.Users),
                _ => Pick(r, world.Wards),
            },
            "parent" => names switch
            {
                "cases" => Pick(r, [.. world.Cases]),
                "clusters" => Pick(r, world.Clusters),
                _ => Pick(r, world.Agencies),
            },
            "scope" => Pick(r, [.. world.Wards, .. world.Clusters, "city"]),
            "inbox" => Pick(r, [.. world.Wards.Select(w => w + "/inbox"), "centre/inbox"]),
            "username" => Pick(r, [.. world.Users.Select(u => u["users/".Length..])]),
            "case" or "replaces" => Pick(r, [.. world.Cases]),
            "ward" or "wards" => Pick(r, world.Wards),
            "cluster" => Pick(r, world.Clusters),
            "agency" or "assignee" or "shared_with" or "responsible" => Pick(r, world.Agencies),
            "etag" => Pick(r, [.. world.Etags]),
            "request_id" => Guid.NewGuid().ToString(),
            "page_token" => "",
            "agency_id" or "id" => "fuzz-" + r.Next(100_000),
            "phone" => "0905 000 111",
            "email" => "ubnd@danang.gov.vn",
            _ => Pick(r, ["Nguyễn Thị Hằng", "Cháu được đưa về nhà bà ngoại.", "Khám và sơ cứu", "Hàng xóm"]),
        },
        FieldType.Bool => r.Next(2) == 0,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => field.Name switch
        {
            "year" => 2016,
            "month" => r.Next(1, 13),
            "day" => r.Next(1, 29),
            "page_size" => r.Next(1, 20),
            _ => r.Next(1, 15),
        },
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)r.Next(0, 5),
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType,
            field.EnumType.Values.Count > 1 ? field.EnumType.Values[r.Next(1, field.EnumType.Values.Count)].Number : 0),
        FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName =>
            Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(r.Next(-48, 96))),
        FieldType.Message when field.MessageType.FullName == FieldMask.Descriptor.FullName => Mask(field, r),
        _ => Value(field, r, MaxDepth),
    };

    /// <summary>A new message of type <paramref name="type"/> with random fields.</summary>
    public IMessage Generate(MessageDescriptor type, Random r, int depth = 0)
    {
        var message = type.Parser.ParseFrom(ByteString.Empty);
        var setProbability = depth == 0 ? 0.75 : 0.5;
        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            if (r.NextDouble() >= setProbability)
            {
                continue;
            }
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                var count = r.Next(10) switch { < 5 => 1, < 8 => r.Next(2, 5), 8 => 0, _ => r.Next(5, depth == 0 ? 300 : 20) };
                var repeat = r.Next(4) == 0;
                object? first = null;
                for (var i = 0; i < count; i++)
                {
                    var value = repeat && first is not null ? first : Value(field, r, depth);
                    first ??= value;
                    if (value is not null)
                    {
                        list.Add(value);
                    }
                }
            }
            else if (field.IsMap)
            {
                continue;
            }
            else if (Value(field, r, depth) is { } value)
            {
                field.Accessor.SetValue(message, value);
            }
        }
        return message;
    }

    private object? Value(FieldDescriptor field, Random r, int depth) => field.FieldType switch
    {
        FieldType.String when RevokesPrincipal(field) => Throwaway(r),
        FieldType.String => Text(field.Name, r),
        FieldType.Bytes => ByteString.CopyFrom(RandomBytes(r, r.Next(64))),
        FieldType.Bool => r.Next(2) == 0,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Int32(field.Name, r),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)Int32(field.Name, r),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Int64(r),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)Int64(r),
        FieldType.Double => Pick(r, [0.0, -1.0, double.NaN, double.PositiveInfinity, double.MaxValue, r.NextDouble()]),
        FieldType.Float => Pick(r, [0f, -1f, float.NaN, float.NegativeInfinity, float.MaxValue, (float)r.NextDouble()]),
        FieldType.Enum => EnumNumber(field.EnumType, r),
        FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName => Time(r),
        FieldType.Message when field.MessageType.FullName == FieldMask.Descriptor.FullName => Mask(field, r),
        FieldType.Message when depth < MaxDepth => Generate(field.MessageType, r, depth + 1),
        _ => null,
    };

    private static object EnumNumber(EnumDescriptor type, Random r)
    {
        // Boxed int unboxes to any int-based enum, so undefined numbers can be set too.
        var number = r.Next(10) switch
        {
            < 6 => type.Values[r.Next(type.Values.Count)].Number,
            6 => -1,
            7 => type.Values.Max(v => v.Number) + 1 + r.Next(1000),
            8 => int.MaxValue,
            _ => int.MinValue,
        };
        return System.Enum.ToObject(type.ClrType, number);
    }

    private static Timestamp Time(Random r)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return r.Next(12) switch
        {
            0 => new Timestamp { Seconds = long.MaxValue },
            1 => new Timestamp { Seconds = long.MinValue },
            2 => new Timestamp { Seconds = 253402300800 }, // 10000-01-01, one past Timestamp's range
            3 => new Timestamp { Seconds = -62135596801 }, // 0000-12-31
            4 => new Timestamp { Seconds = now, Nanos = -1 },
            5 => new Timestamp { Seconds = now, Nanos = 1_000_000_000 },
            6 => new Timestamp { Seconds = now, Nanos = int.MinValue },
            7 => new Timestamp(),
            8 => new Timestamp { Seconds = now - r.Next(1, 400 * 86400) },
            9 => new Timestamp { Seconds = 253402300799 }, // 9999-12-31T23:59:59
            _ => new Timestamp { Seconds = now + r.Next(1, 400 * 86400), Nanos = r.Next(1_000_000_000) },
        };
    }

    private FieldMask Mask(FieldDescriptor field, Random r)
    {
        var mask = new FieldMask();
        var owner = field.ContainingType.Fields.InFieldNumberOrder()
            .Where(f => f.FieldType == FieldType.Message && f.MessageType.FullName != FieldMask.Descriptor.FullName)
            .Select(f => f.MessageType).FirstOrDefault();
        var count = r.Next(5);
        for (var i = 0; i < count; i++)
        {
            mask.Paths.Add(r.Next(4) switch
            {
                0 when owner is not null => owner.Fields.InFieldNumberOrder()[r.Next(owner.Fields.InFieldNumberOrder().Count)].Name,
                1 when owner is not null => owner.Fields.InFieldNumberOrder()[r.Next(owner.Fields.InFieldNumberOrder().Count)].JsonName,
                2 => "*",
                _ => Text("mask", r),
            });
        }
        return mask;
    }

    private static int Int32(string name, Random r) => r.Next(12) switch
    {
        0 => 0,
        1 => -1,
        2 => int.MinValue,
        3 => int.MaxValue,
        4 => 500,
        5 => 501,
        6 => 1,
        7 => name is "year" ? r.Next(-5, 10_000) : name is "month" ? r.Next(-1, 14) : name is "day" ? r.Next(-1, 33) : r.Next(-1000, 1000),
        8 => 10_000,
        9 => -r.Next(1, 1_000_000),
        _ => r.Next(),
    };

    private static long Int64(Random r) => r.Next(8) switch
    {
        0 => 0,
        1 => -1,
        2 => long.MinValue,
        3 => long.MaxValue,
        4 => r.Next(1, 50),
        5 => r.NextInt64(),
        6 => -r.NextInt64(),
        _ => r.Next(1000),
    };

    /// <summary>A value for a string field: real names for name-like fields some of the time, else hostile text.</summary>
    public string Text(string fieldName, Random r)
    {
        if (r.Next(10) < 4)
        {
            return Odd(r);
        }
        return fieldName switch
        {
            "name" or "case" or "replaces" or "replaced_by" => r.Next(3) switch
            {
                0 => Mangle(Pick(r, [.. world.Cases, "cases/DN-2026-000001"]), r),
                1 => Mangle(Pick(r, [.. world.Tasks, "tasks/T-2026-000001"]), r),
                _ => Mangle(Pick(r, [.. world.Wards, .. world.Agencies, .. world.Clusters]), r),
            },
            "ward" or "wards" => Mangle(Pick(r, world.Wards), r),
            "cluster" => Mangle(Pick(r, world.Clusters), r),
            "agency" or "assignee" or "shared_with" or "responsible" or "principal" or "user" => Mangle(Pick(r, [.. world.Agencies, .. world.Users]), r),
            "etag" => r.Next(3) == 0 ? Guid.NewGuid().ToString("N")[..r.Next(1, 32)] : Pick(r, [.. world.Etags, "W/\"1\"", "\"1\""]),
            "request_id" => r.Next(4) switch
            {
                0 => "dup-" + r.Next(5), // the same id again, maybe for another method or body
                1 => new string('r', r.Next(99, 103)),
                _ => Guid.NewGuid().ToString(),
            },
            "page_token" => r.Next(3) switch
            {
                0 when world.PageTokens.Count > 0 => Mangle(Pick(r, [.. world.PageTokens]), r),
                1 => Convert.ToBase64String(Encoding.UTF8.GetBytes(Pick(r,
                    ["{\"After\":null,\"Filter\":null}", "{}", "null", "[]", "{\"After\":\"zzz\",\"Filter\":\"\"}", "{\"After\":1}", "\"x\""]))),
                _ => Convert.ToBase64String(RandomBytes(r, r.Next(1, 40))).TrimEnd('='),
            },
            "agency_id" or "id" => r.Next(3) switch
            {
                0 => "fuzz-" + r.Next(20),
                1 => new string('a', r.Next(60, 70)),
                _ => Odd(r),
            },
            _ => r.Next(3) == 0 ? new string('x', r.Next(0, 3) switch { 0 => 501, 1 => 10_001, _ => r.Next(1, 300) }) : Odd(r),
        };
    }

    /// <summary>A name made wrong in one of many ways (or left alone).</summary>
    private static string Mangle(string name, Random r)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var (collection, id) = slash < 0 ? (name, "") : (name[..slash], name[(slash + 1)..]);
        return r.Next(16) switch
        {
            < 5 => name,
            5 => collection + "/",
            6 => "/" + id,
            7 => collection.ToUpperInvariant() + "/" + id,
            8 => Pick(r, Collections) + "/" + id,
            9 => name + "/" + id,
            10 => name + " ",
            11 => collection + "/" + id + Odd(r),
            12 => collection + "/" + new string('a', r.Next(60, 300)),
            13 => collection + "//" + id,
            14 => collection + "/../" + id,
            _ => collection + "/" + id.ToUpperInvariant() + "-" + r.Next(),
        };
    }

    private static string Odd(Random r) => r.Next(8) switch
    {
        0 => new string((char)r.Next(0, 32), r.Next(1, 5)),
        1 => string.Concat(Enumerable.Range(0, r.Next(1, 6)).Select(_ => Pick(r, OddStrings))),
        2 => new string('ệ', r.Next(1, 20_000)),
        _ => Pick(r, OddStrings),
    };

    private static T Pick<T>(Random r, T[] items) => items[r.Next(items.Length)];

    /// <summary>Random bytes.</summary>
    public static byte[] RandomBytes(Random r, int count)
    {
        var bytes = new byte[count];
        r.NextBytes(bytes);
        return bytes;
    }
}
