using VotingApp.Contracts;

namespace VotingApp.Analytics.Tests;

public class ResultsWriterTests
{
    [Fact]
    public void Every_analytics_version_has_a_format_and_no_other_has_one() =>
        Assert.Equal(ServiceCatalog.Analytics.Versions, ResultsWriter.ByVersion.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("1.0", 2, 4, "Cats: 2 | Dogs: 4")]
    [InlineData("1.0", 0, 0, "Cats: 0 | Dogs: 0")]
    [InlineData("1.1", 2, 4, "Cats: 2/6 (33%) | Dogs: 4/6 (67%)")]
    [InlineData("2.0", 2, 4, "Cats: 2/6 (33%) | Dogs: 4/6 (67%)")]
    [InlineData("1.1", 0, 0, "Cats: 0/0 (0%) | Dogs: 0/0 (0%)")]
    [InlineData("1.1", 0, 3, "Cats: 0/3 (0%) | Dogs: 3/3 (100%)")]
    [InlineData("1.1", 1, 1, "Cats: 1/2 (50%) | Dogs: 1/2 (50%)")]
    [InlineData("1.1", 1, 7, "Cats: 1/8 (13%) | Dogs: 7/8 (88%)")]
    [InlineData("2.0", 1, 199, "Cats: 1/200 (1%) | Dogs: 199/200 (100%)")]
    [InlineData("2.0", 1, 399, "Cats: 1/400 (0%) | Dogs: 399/400 (100%)")]
    [InlineData("1.1", 3_000_000_000, 1_000_000_000, "Cats: 3000000000/4000000000 (75%) | Dogs: 1000000000/4000000000 (25%)")]
    public void Formats_the_results_line_as_each_version_does(string version, long cats, long dogs, string expected) =>
        Assert.Equal(expected, ResultsWriter.Write(ResultsWriter.ByVersion[version], new VoteCount("Cats", cats), new VoteCount("Dogs", dogs)));

    [Theory]
    [InlineData(1, 8, 13)]   // 12.5 → 13: half away from zero, not to even (which gives 12)
    [InlineData(5, 200, 3)]  // 2.5 → 3
    [InlineData(1, 3, 33)]
    [InlineData(2, 3, 67)]
    [InlineData(0, 5, 0)]
    [InlineData(0, 0, 0)]
    public void Percent_rounds_half_away_from_zero(long count, long total, long expected) =>
        Assert.Equal(expected, ResultsWriter.Percent(count, total));
}
