using System.Text.Json;
using Coordination.Silo.Cases;
using Coordination.Silo.ReadModel;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Silo.Intake;

/// <summary>A case found as a possible duplicate of an intake, with its score.</summary>
/// <param name="Case">The case.</param>
/// <param name="Score">How alike.</param>
/// <param name="WardDisplayName">The name of the case's ward.</param>
public sealed record DuplicateCandidate(CaseRecord Case, DuplicateScore Score, string WardDisplayName);

/// <summary>
/// Finds the cases an intake may duplicate: those with the same order-free name key or a shared
/// phone (both indexed, migration 0015), scored by <see cref="DuplicateScoring"/>. Reads the read
/// model, never grains.
/// </summary>
public sealed class DuplicateStore(NpgsqlDataSource db)
{
    /// <summary>Most candidates returned.</summary>
    public const int MaxCandidates = 20;

    /// <summary>Cases looked at per search (a very common name in a big city).</summary>
    private const int MaxFetched = 500;

    /// <summary>The candidates for <paramref name="intake"/>, best first, whose score reaches a name or phone match.</summary>
    public async Task<IReadOnlyList<DuplicateCandidate>> FindAsync(DuplicateProbe intake, DateTimeOffset now, CancellationToken ct)
    {
        var key = DuplicateScoring.NameKey(intake.Name);
        await using var cmd = db.CreateCommand("""
            select c.doc, coalesce(w.doc #>> '{Profile,DisplayName}', c.ward_id)
            from rm_cases c left join rm_wards w on w.id = c.ward_id
            where (@key <> '' and intake_name_key(c.person_search) = @key)
               or (cardinality(@phones) > 0 and intake_phone_keys(c.doc) && @phones)
            order by c.report_time desc
            limit @limit
            """);
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.Add(new NpgsqlParameter("phones", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = intake.Phones.ToArray() });
        cmd.Parameters.AddWithValue("limit", MaxFetched);
        var found = new List<DuplicateCandidate>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var record = JsonSerializer.Deserialize<CaseRecord>(reader.GetString(0), ReadModelStore.Json)
                ?? throw new InvalidOperationException("Read-model row holds no document.");
            var score = DuplicateScoring.Score(intake, ProbeOf(record));
            if (score.Reasons.Contains(DuplicateReason.Name) || score.Reasons.Contains(DuplicateReason.Phone))
            {
                found.Add(new DuplicateCandidate(record, score, reader.GetString(1)));
            }
        }
        return [.. found.OrderByDescending(c => c.Score.Score).ThenByDescending(c => c.Case.ReportTime).Take(MaxCandidates)];
    }

    /// <summary>The case <paramref name="principal"/>'s create with <paramref name="requestId"/> already opened, if any.</summary>
    public async Task<string?> CreatedByRequestAsync(string principal, string requestId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id from id_requests where scope = @s and request_id = @r");
        cmd.Parameters.AddWithValue("s", IntakeGrain.CaseScope(principal));
        cmd.Parameters.AddWithValue("r", requestId);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>An existing case as compared: its birth year as of its report.</summary>
    public static DuplicateProbe ProbeOf(CaseRecord r)
    {
        var person = r.Details.Person;
        var reportYear = TimeZoneInfo.ConvertTime(r.ReportTime, Calendar.WorkingCalendar.VietnamTime).Year;
        var (year, exact) = DuplicateScoring.BirthYear(person.BirthDate, person.ApproximateAgeYears, reportYear);
        return new DuplicateProbe(person.DisplayName, year, exact, r.WardId, DuplicateScoring.PhoneKeys(r.Details.Reporter.Phone, person.FamilyContact));
    }
}
