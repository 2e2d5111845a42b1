using Coordination.Api.Grpc;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;

namespace Coordination.UnitTests;

public sealed class DirectoryLogicTests
{
    private static readonly AgencyProfile Police = new(
        "Công an phường Hải Châu I", AgencyKind.Police, "hai-chau-1", "Công an thành phố Đà Nẵng",
        ["Bảo đảm an toàn cho trẻ em"], [new Contact("Trực ban", "", "113", "")], "");

    [Fact]
    public void Update_copies_only_the_masked_fields()
    {
        var patch = new AgencyProfile("Công an phường Hải Châu", AgencyKind.Justice, "", "x", [], [], "Số 1 Lê Duẩn");

        var result = AgencyFields.Apply(Police, patch, new HashSet<string> { AgencyFields.DisplayName, AgencyFields.Address });

        Assert.Equal("Công an phường Hải Châu", result.DisplayName);
        Assert.Equal("Số 1 Lê Duẩn", result.Address);
        Assert.Equal(AgencyKind.Police, result.Kind);
        Assert.Equal("hai-chau-1", result.WardId);
        Assert.Equal(Police.Services, result.Services);
    }

    [Fact]
    public void Profiles_with_equal_contents_are_the_same_even_in_different_arrays()
    {
        var copy = Police with { Services = [.. Police.Services], Contacts = [.. Police.Contacts] };

        Assert.True(Police.SameAs(copy));
        Assert.False(Police.SameAs(copy with { Services = ["Khác"] }));
    }

    [Fact]
    public void Etags_are_quoted_versions_and_an_empty_etag_skips_the_check()
    {
        Assert.Equal("\"7\"", Etags.For(7));
        Etags.Check("agencies/x", "", 7);
        Etags.Check("agencies/x", "\"7\"", 7);
        var e = Assert.Throws<StaleEtagException>(() => Etags.Check("agencies/x", "\"6\"", 7));
        Assert.Equal("\"7\"", e.CurrentEtag);
    }

    [Fact]
    public void Recent_requests_remember_the_version_and_forget_the_oldest_beyond_capacity()
    {
        var requests = new RecentRequests();
        for (var i = 0; i < RecentRequests.Capacity + 10; i++)
        {
            requests.Remember($"r{i}", i);
        }

        Assert.Null(requests.Find("r0"));
        Assert.Equal(RecentRequests.Capacity + 9, requests.Find($"r{RecentRequests.Capacity + 9}"));
        Assert.Equal(RecentRequests.Capacity, requests.Entries.Count);
    }

    [Fact]
    public void Page_tokens_round_trip_and_are_bound_to_their_filter()
    {
        var token = new PageToken("hai-chau-1-police", "ward=;kind=3").Encode();

        Assert.Equal(new PageToken("hai-chau-1-police", "ward=;kind=3"), PageToken.Decode(token));
        Assert.Null(PageToken.Decode("not a token"));
        var v = new RequestValidation();
        v.Page(10, token, "ward=;kind=4");
        var e = Assert.Throws<InvalidArgumentException>(v.ThrowIfAny);
        Assert.Equal("page_token", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData("wards/hai-chau-1", "hai-chau-1")]
    [InlineData("wards/Hai-Chau", null)]
    [InlineData("agencies/hai-chau-1", null)]
    [InlineData("wards/", null)]
    [InlineData("wards/ab", null)]
    public void Resource_names_must_match_their_collection(string name, string? expected)
    {
        var v = new RequestValidation();

        Assert.Equal(expected, v.ResourceId("name", name, "wards"));
    }

    [Fact]
    public void Text_is_stored_nfc_and_trimmed()
    {
        var decomposed = " Nguyễn Thị Hằng ".Normalize(System.Text.NormalizationForm.FormD);

        Assert.Equal("Nguyễn Thị Hằng", Text.Normalize(decomposed));
    }
}
