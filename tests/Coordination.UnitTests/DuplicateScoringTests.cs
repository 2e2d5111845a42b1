using Coordination.Api.Grpc;
using Coordination.Silo.Common;
using Coordination.Silo.Intake;
using Coordination.V1;
using Actor = Coordination.Silo.Common.Actor;

namespace Coordination.UnitTests;

public sealed class DuplicateScoringTests
{
    private static DuplicateProbe Child(string name, int? birthYear = 2016, bool exact = false, string ward = "hai-chau-1", params string[] phones) =>
        new(name, birthYear, exact, ward, DuplicateScoring.PhoneKeys(phones));

    [Theory]
    [InlineData("Nguyễn Thị Hằng")]
    [InlineData("Hang Nguyen Thi")]
    [InlineData("nguyen thi hang")]
    [InlineData("  NGUYỄN   thị hằng ")]
    [InlineData("Hằng, Nguyễn Thị")]
    public void A_name_matches_without_diacritics_case_or_word_order(string written)
    {
        Assert.Equal("hang nguyen thi", DuplicateScoring.NameKey(written));
        Assert.Equal(1, DuplicateScoring.NameSimilarity("Nguyễn Thị Hằng", written));
    }

    [Fact]
    public void D_with_a_stroke_matches_a_plain_d()
    {
        Assert.Equal(DuplicateScoring.NameKey("Đặng Văn Đức"), DuplicateScoring.NameKey("dang van duc"));
    }

    [Fact]
    public void Decomposed_and_composed_diacritics_are_the_same_name()
    {
        var decomposed = "Nguyễn Thị Hằng".Normalize(System.Text.NormalizationForm.FormD);
        Assert.Equal(DuplicateScoring.NameKey("Nguyễn Thị Hằng"), DuplicateScoring.NameKey(decomposed));
    }

    [Fact]
    public void Different_tones_are_different_names_only_after_folding_so_they_match()
    {
        // Folding drops tones: "Hằng" and "Hàng" fold alike. A typist's wrong tone still finds the case.
        Assert.Equal(1, DuplicateScoring.NameSimilarity("Nguyễn Thị Hằng", "Nguyen Thi Hàng"));
    }

    [Fact]
    public void A_partial_name_counts_by_the_share_of_its_words()
    {
        Assert.Equal(2.0 / 3, DuplicateScoring.NameSimilarity("Nguyễn Hằng", "Nguyễn Thị Hằng"), 3);
        Assert.Equal(0, DuplicateScoring.NameSimilarity("Trần Văn Bình", "Nguyễn Thị Hằng"));
        Assert.Equal(0, DuplicateScoring.NameSimilarity("", "Nguyễn Thị Hằng"));
    }

    [Theory]
    [InlineData("+84 905 123 456")]
    [InlineData("0905.123.456")]
    [InlineData("0905 123 456")]
    [InlineData("(0905) 123-456")]
    [InlineData("84905123456")]
    [InlineData("905123456")]
    [InlineData("Mẹ: chị Lan, 0905-123-456 (gọi sau 17h)")]
    public void Phones_are_normalised_to_the_trunk_zero(string written)
    {
        Assert.Equal(["0905123456"], DuplicateScoring.PhoneKeys(written));
    }

    [Fact]
    public void Short_numbers_and_the_hotline_are_not_contact_phones_of_a_family()
    {
        Assert.Empty(DuplicateScoring.PhoneKeys("Số nhà 12, tổ 113"));
        Assert.Equal(["18001046"], DuplicateScoring.PhoneKeys("18001046"));
        Assert.Equal(["0236000000", "0905123456"], DuplicateScoring.PhoneKeys("0905 123 456", null, "", "Bố: 0236 000 000"));
    }

    [Fact]
    public void The_same_name_and_age_is_a_strong_match()
    {
        var score = DuplicateScoring.Score(Child("Hang Nguyen Thi", 2016), Child("Nguyễn Thị Hằng", 2017, ward: "xuan-ha"));

        Assert.Equal(0.65, score.Score);
        Assert.Equal([DuplicateReason.Name, DuplicateReason.Age], score.Reasons);
        Assert.True(score.Strong);
    }

    [Fact]
    public void Approximate_ages_are_tolerated_two_years_but_dates_of_birth_must_agree()
    {
        Assert.Contains(DuplicateReason.Age, DuplicateScoring.Score(Child("A B", 2016), Child("A B", 2014)).Reasons);
        Assert.DoesNotContain(DuplicateReason.Age, DuplicateScoring.Score(Child("A B", 2016), Child("A B", 2013)).Reasons);
        Assert.Contains(DuplicateReason.Age, DuplicateScoring.Score(Child("A B", 2016, exact: true), Child("A B", 2016, exact: true)).Reasons);
        Assert.DoesNotContain(DuplicateReason.Age, DuplicateScoring.Score(Child("A B", 2016, exact: true), Child("A B", 2015, exact: true)).Reasons);
        Assert.DoesNotContain(DuplicateReason.Age, DuplicateScoring.Score(Child("A B", null), Child("A B", 2016)).Reasons);
    }

    [Fact]
    public void The_birth_year_comes_from_the_date_of_birth_or_the_age_in_the_year_it_was_stated()
    {
        Assert.Equal((2015, true), DuplicateScoring.BirthYear(new DateOnly(2015, 3, 1), 9, 2026));
        Assert.Equal((2017, false), DuplicateScoring.BirthYear(null, 9, 2026));
        Assert.Equal(((int?)null, false), DuplicateScoring.BirthYear(null, 0, 2026));
    }

    [Fact]
    public void The_same_name_and_phone_is_strong_even_without_an_age()
    {
        var score = DuplicateScoring.Score(Child("Nguyễn Thị Hằng", null, phones: "+84 905 123 456"), Child("nguyen thi hang", 2010, phones: "0905123456"));

        Assert.Equal(0.80, score.Score);
        Assert.Equal([DuplicateReason.Name, DuplicateReason.Ward, DuplicateReason.Phone], score.Reasons);
        Assert.True(score.Strong);
    }

    [Fact]
    public void A_common_name_in_the_same_ward_alone_is_shown_but_not_strong()
    {
        var score = DuplicateScoring.Score(Child("Nguyễn Văn An", 2010), Child("Nguyễn Văn An", 2018));

        Assert.Equal(0.55, score.Score);
        Assert.False(score.Strong);
    }

    [Fact]
    public void Siblings_sharing_a_phone_and_ward_are_not_a_strong_match()
    {
        var score = DuplicateScoring.Score(Child("Nguyễn Văn An", 2014, phones: "0905123456"), Child("Nguyễn Thị Bình", 2016, phones: "0905 123 456"));

        Assert.Equal([DuplicateReason.Age, DuplicateReason.Ward, DuplicateReason.Phone], score.Reasons);
        Assert.False(score.Strong);
    }

    [Fact]
    public void Everything_matching_scores_one()
    {
        var score = DuplicateScoring.Score(Child("Nguyễn Thị Hằng", 2016, phones: "0905123456"), Child("Hằng Nguyễn Thị", 2016, phones: "0905123456"));

        Assert.Equal(1.0, score.Score);
    }

    [Fact]
    public void A_caller_sees_another_wards_candidates_only_as_that_ward_merged_into_one()
    {
        var officer = new Actor("users/o", "Cán bộ", Actor.WardOfficer, "wards/hai-chau-1");
        var coordinator = new Actor("users/c", "Điều phối", Actor.CentreCoordinator, "city");
        DuplicateCandidate Candidate(string id, string ward, double score) => new(
            new Silo.Cases.CaseRecord(id, ward, "hai-chau", new Silo.Cases.CaseDetails(Silo.Cases.IntakeSource.HotlineCall,
                new Silo.Cases.Reporter("", "", "", ""), new Silo.Cases.Person("Nguyễn Thị Hằng", Silo.Cases.Sex.Female, null, 9, "", ""), [2], "", ""),
                DateTimeOffset.UnixEpoch, Silo.Cases.CaseStep.Received, Silo.Cases.RiskLevel.Unspecified, null, null, null, [], null, null, null, null,
                coordinator, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
            new DuplicateScore(score, [DuplicateReason.Name]), ward == "xuan-ha" ? "Phường Xuân Hà" : "Phường Hải Châu I");
        var found = new[] { Candidate("DN-1", "xuan-ha", 0.7), Candidate("DN-2", "hai-chau-1", 0.65), Candidate("DN-3", "xuan-ha", 0.5) };

        var seen = DuplicateMapping.ForCaller(found, officer);

        Assert.Equal(2, seen.Count);
        var hidden = seen[0];
        Assert.True(hidden.Restricted);
        Assert.True(hidden.Strong);
        Assert.Equal("wards/xuan-ha", hidden.Ward);
        Assert.Equal("Phường Xuân Hà", hidden.WardDisplayName);
        Assert.Equal("", hidden.Case);
        Assert.Equal("", hidden.PersonDisplayName);
        Assert.Equal(0, hidden.Score);
        Assert.Empty(hidden.Reasons);
        Assert.Equal("cases/DN-2", seen[1].Case);
        Assert.Equal(["wards/xuan-ha"], DuplicateMapping.Unacknowledged(seen, ["cases/DN-2"]).Select(n => n.Subject));
        Assert.Empty(DuplicateMapping.Unacknowledged(seen, ["cases/DN-2", "wards/xuan-ha"]));
        Assert.Equal(3, DuplicateMapping.ForCaller(found, coordinator).Count);
    }
}
