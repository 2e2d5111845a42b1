namespace Coordination.IntegrationTests.Fuzzing;

/// <summary>
/// Mutates a serialized protobuf message at the byte level: bit flips, truncation, insertion and
/// deletion, tags with the wrong wire type, length prefixes that lie, over-long varints, stray and
/// deeply nested groups, field number 0 and out-of-range field numbers.
/// </summary>
public static class ByteMutator
{
    /// <summary>Names of the mutations, indexed as <see cref="Mutate"/> picks them (for the report).</summary>
    public static readonly string[] Kinds =
    [
        "bit-flip", "truncate", "insert-random", "delete-range", "overwrite-0xff", "wrong-wire-type",
        "length-lie", "huge-varint", "unterminated-varint", "stray-end-group", "nested-groups", "field-zero",
        "field-number-too-big", "random-body", "duplicate-message", "empty-body",
    ];

    /// <summary>Applies one to three mutations to <paramref name="valid"/>; returns the bytes and the first mutation's kind.</summary>
    public static (byte[] Bytes, string Kind) Mutate(byte[] valid, Random r)
    {
        var bytes = new List<byte>(valid);
        var first = r.Next(Kinds.Length);
        Apply(bytes, first, r);
        for (var extra = r.Next(3); extra > 0; extra--)
        {
            Apply(bytes, r.Next(Kinds.Length), r);
        }
        return ([.. bytes], Kinds[first]);
    }

    private static void Apply(List<byte> b, int kind, Random r)
    {
        switch (kind)
        {
            case 0 when b.Count > 0:
                for (var i = r.Next(1, 4); i > 0; i--)
                {
                    var at = r.Next(b.Count);
                    b[at] ^= (byte)(1 << r.Next(8));
                }
                break;
            case 1 when b.Count > 0:
                Truncate(b, r);
                break;
            case 2:
                b.InsertRange(r.Next(b.Count + 1), StructuredGenerator.RandomBytes(r, r.Next(1, 16)));
                break;
            case 3 when b.Count > 1:
                var start = r.Next(b.Count);
                b.RemoveRange(start, r.Next(1, Math.Min(16, b.Count - start) + 1));
                break;
            case 4 when b.Count > 0:
                b[r.Next(b.Count)] = r.Next(2) == 0 ? (byte)0xFF : (byte)0x80;
                break;
            case 5:
                // A low field number with a wire type it is not declared with (0 varint, 1 fixed64, 2 length, 5 fixed32).
                var field = r.Next(1, 12);
                var wire = new[] { 0, 1, 2, 5 }[r.Next(4)];
                b.InsertRange(TagBoundary(b, r), [.. Varint((ulong)((field << 3) | wire)), .. WireValue(wire, r)]);
                break;
            case 6:
                // A length-delimited field that claims far more bytes than follow.
                b.AddRange(Varint((ulong)((r.Next(1, 12) << 3) | 2)));
                b.AddRange(Varint(r.Next(3) switch { 0 => uint.MaxValue, 1 => (ulong)int.MaxValue + 1, _ => (ulong)r.Next(10, 5000) }));
                b.AddRange(StructuredGenerator.RandomBytes(r, r.Next(0, 8)));
                break;
            case 7:
                // A varint of 10 bytes (the maximum) for a numeric field: 2^64-1.
                b.AddRange(Varint((ulong)((r.Next(1, 12) << 3) | 0)));
                b.AddRange([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
                break;
            case 8:
                // A varint that never ends (11+ continuation bytes).
                b.AddRange(Varint((ulong)((r.Next(1, 12) << 3) | 0)));
                b.AddRange(Enumerable.Repeat((byte)0x80, r.Next(11, 20)));
                break;
            case 9:
                b.InsertRange(TagBoundary(b, r), Varint((ulong)((r.Next(1, 30) << 3) | 4)));
                break;
            case 10:
                // Unknown groups nested past the parser's recursion limit (100).
                var depth = r.Next(50, 300);
                var groups = new List<byte>();
                for (var i = 0; i < depth; i++)
                {
                    groups.AddRange(Varint((ulong)((99 << 3) | 3)));
                }
                for (var i = 0; i < depth; i++)
                {
                    groups.AddRange(Varint((ulong)((99 << 3) | 4)));
                }
                b.AddRange(groups);
                break;
            case 11:
                b.InsertRange(TagBoundary(b, r), [(byte)r.Next(0, 8), 0x01]);
                break;
            case 12:
                b.AddRange(Varint(((ulong)(1 << 29) << 3) | 0));
                b.Add(0x01);
                break;
            case 13:
                b.Clear();
                b.AddRange(StructuredGenerator.RandomBytes(r, r.Next(1, 200)));
                break;
            case 14:
                b.AddRange([.. b]);
                break;
            case 15:
                b.Clear();
                break;
            default:
                b.AddRange(StructuredGenerator.RandomBytes(r, r.Next(1, 4)));
                break;
        }
    }

    private static void Truncate(List<byte> b, Random r)
    {
        if (b.Count > 0)
        {
            var keep = r.Next(b.Count);
            b.RemoveRange(keep, b.Count - keep);
        }
    }

    // Inserting at the start or the end keeps the rest of the message well-formed.
    private static int TagBoundary(List<byte> b, Random r) => r.Next(2) == 0 ? 0 : b.Count;

    private static byte[] WireValue(int wire, Random r) => wire switch
    {
        0 => Varint((ulong)r.NextInt64()),
        1 => StructuredGenerator.RandomBytes(r, 8),
        5 => StructuredGenerator.RandomBytes(r, 4),
        _ => [.. Varint(3), .. StructuredGenerator.RandomBytes(r, 3)],
    };

    /// <summary>Protobuf base-128 varint.</summary>
    public static byte[] Varint(ulong value)
    {
        var result = new List<byte>();
        do
        {
            var next = (byte)(value & 0x7F);
            value >>= 7;
            result.Add(value == 0 ? next : (byte)(next | 0x80));
        }
        while (value != 0);
        return [.. result];
    }
}
