using Coordination.Silo.Calendar;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;

namespace Coordination.UnitTests;

public sealed class ServiceCatalogueTests
{
    // The statutory holidays of 2026 (Reunification Day and Labour Day: Thu 30 April, Fri 1 May).
    private static readonly WorkingCalendar Calendar = WorkingCalendar.ForYears(2026, 2026, []);

    private static DateTimeOffset Vietnam(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.FromHours(7));

    private static ServiceRecord Service(int value, ResponseTimeUnit unit, ServiceCapacity capacity = ServiceCapacity.Open, string note = "") => new(
        "hai-chau-1-justice", "tro-giup-phap-ly",
        new ServiceProfile("Trợ giúp pháp lý", ServiceKind.LegalAid, "", "", new ResponseTime(value, unit), capacity, note),
        1, Vietnam(2026, 1, 5, 8), Vietnam(2026, 1, 5, 8), Vietnam(2026, 1, 5, 8));

    [Fact]
    public void Legal_aid_in_five_working_days_skips_the_weekend_and_the_april_holidays()
    {
        // Tue 28 Apr 14:30 → Wed 29, (Thu 30, Fri 1 May holidays; Sat, Sun), Mon 4, Tue 5, Wed 6, Thu 7 May 14:30.
        var due = ServiceRules.DueTime(null, Service(5, ResponseTimeUnit.WorkingDays), Vietnam(2026, 4, 28, 14, 30), Calendar);

        Assert.Equal(Vietnam(2026, 5, 7, 14, 30), due);
    }

    [Fact]
    public void A_health_examination_asked_on_friday_evening_is_due_on_monday_evening()
    {
        var due = ServiceRules.DueTime(null, Service(1, ResponseTimeUnit.WorkingDays), Vietnam(2026, 6, 12, 19), Calendar);

        Assert.Equal(Vietnam(2026, 6, 15, 19), due);
    }

    [Fact]
    public void An_emergency_within_one_hour_counts_clock_hours_even_on_a_holiday_night()
    {
        var due = ServiceRules.DueTime(null, Service(1, ResponseTimeUnit.Hours), Vietnam(2026, 4, 30, 23, 30), Calendar);

        Assert.Equal(Vietnam(2026, 5, 1, 0, 30), due);
    }

    [Fact]
    public void Police_verification_within_twelve_hours_runs_through_the_weekend()
    {
        var due = ServiceRules.DueTime(null, Service(12, ResponseTimeUnit.Hours), Vietnam(2026, 6, 13, 20), Calendar);

        Assert.Equal(Vietnam(2026, 6, 14, 8), due);
    }

    [Fact]
    public void A_due_time_the_requester_gives_wins_over_the_response_time()
    {
        var given = Vietnam(2026, 6, 20, 9);

        Assert.Equal(given, ServiceRules.DueTime(given, Service(5, ResponseTimeUnit.WorkingDays), Vietnam(2026, 6, 12, 9), Calendar));
    }

    [Fact]
    public void Without_a_due_time_or_a_service_there_is_no_due_time()
    {
        Assert.Null(ServiceRules.DueTime(null, null, Vietnam(2026, 6, 12, 9), Calendar));
    }

    [Fact]
    public void A_closed_service_refuses_new_people_and_says_to_pick_another_in_both_languages()
    {
        var e = Assert.Throws<FailedPreconditionException>(() =>
            ServiceRules.RequireTakesNewPeople(Service(5, ResponseTimeUnit.WorkingDays, ServiceCapacity.Closed, "Hết chỗ đến 15/12")));

        Assert.Equal("SERVICE_CLOSED", e.Reason);
        Assert.Contains("choose another service", e.Message, StringComparison.Ordinal);
        Assert.Contains("hãy chọn dịch vụ hoặc cơ quan khác", e.Message, StringComparison.Ordinal);
        Assert.Contains("Hết chỗ đến 15/12", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ServiceCapacity.Open)]
    [InlineData(ServiceCapacity.Waitlist)]
    public void Open_and_waitlisted_services_take_new_people(ServiceCapacity capacity)
    {
        ServiceRules.RequireTakesNewPeople(Service(5, ResponseTimeUnit.WorkingDays, capacity));
    }

    [Theory]
    [InlineData(0, ResponseTimeUnit.Hours, false)]
    [InlineData(1, ResponseTimeUnit.Hours, true)]
    [InlineData(72, ResponseTimeUnit.Hours, true)]
    [InlineData(73, ResponseTimeUnit.Hours, false)]
    [InlineData(60, ResponseTimeUnit.WorkingDays, true)]
    [InlineData(61, ResponseTimeUnit.WorkingDays, false)]
    [InlineData(5, ResponseTimeUnit.Unspecified, false)]
    public void Response_times_stay_within_their_unit_range(int value, ResponseTimeUnit unit, bool valid)
    {
        Assert.Equal(valid, new ResponseTime(value, unit).IsValid);
    }

    [Fact]
    public void An_agency_may_change_only_the_capacity_of_its_services()
    {
        var current = Service(5, ResponseTimeUnit.WorkingDays).Profile;
        var patch = current with { DisplayName = "Khác", Capacity = ServiceCapacity.Closed, CapacityNote = "Hết chỗ" };

        var changed = ServiceFields.Apply(current, patch, ServiceFields.AgencyMayChange);

        Assert.Equal(current with { Capacity = ServiceCapacity.Closed, CapacityNote = "Hết chỗ" }, changed);
        Assert.False(ServiceFields.AgencyMayChange.Contains(ServiceFields.ResponseTime));
    }
}
