using Coordination.Api.Grpc;

namespace Coordination.UnitTests;

/// <summary>The one page-token validator (issue 13): forged or tampered tokens are page_token violations, never exceptions.</summary>
public sealed class PageTokenTests
{
    [Theory]
    [InlineData("638000000000000000|DN-2026-000001", PageCursor.Keyset, true)]
    [InlineData("9223372036854775807|x", PageCursor.Keyset, false)]
    [InlineData("-5|x", PageCursor.Keyset, false)]
    [InlineData("5|", PageCursor.Keyset, false)]
    [InlineData("abc", PageCursor.Keyset, false)]
    [InlineData("20", PageCursor.Offset, true)]
    [InlineData("0", PageCursor.Offset, false)]
    [InlineData("-1", PageCursor.Offset, false)]
    [InlineData("99999999999999", PageCursor.Offset, false)]
    [InlineData("1234", PageCursor.Sequence, true)]
    [InlineData("abc", PageCursor.Sequence, false)]
    [InlineData("hai-chau-1", PageCursor.Id, true)]
    [InlineData("", PageCursor.Id, false)]
    [InlineData("a\u0000b", PageCursor.Id, false)]
    public void A_position_must_have_its_list_s_form(string after, PageCursor cursor, bool valid) =>
        Assert.Equal(valid, PageToken.IsPosition(after, cursor));

    [Theory]
    [InlineData("!!not base64!!")]
    [InlineData("bnVsbA")]
    [InlineData("e30")]
    [InlineData("W10")]
    [InlineData("eyJBZnRlciI6bnVsbCwiRmlsdGVyIjpudWxsfQ")]
    [InlineData("ab+/cd==")]
    public void Tokens_that_are_not_ours_decode_to_null(string token) => Assert.Null(PageToken.Decode(token));

    [Fact]
    public void The_validator_names_page_token_for_a_tampered_or_foreign_token_and_accepts_a_genuine_one()
    {
        var genuine = new PageToken(KeysetCursor.Format(DateTimeOffset.UnixEpoch, "T-1"), "f").Encode();
        var ok = new RequestValidation();
        Assert.Equal((10, KeysetCursor.Format(DateTimeOffset.UnixEpoch, "T-1")), ok.Page(10, genuine, "f", PageCursor.Keyset));
        ok.ThrowIfAny();

        foreach (var (token, filter) in new[] { (genuine, "other"), (new PageToken("oops", "f").Encode(), "f"), (new string('A', 5000), "f") })
        {
            var v = new RequestValidation();
            v.Page(10, token, filter, PageCursor.Keyset);
            var e = Assert.Throws<Coordination.Silo.Common.InvalidArgumentException>(v.ThrowIfAny);
            Assert.Contains(e.Violations, x => x.Field == "page_token");
        }
    }
}
