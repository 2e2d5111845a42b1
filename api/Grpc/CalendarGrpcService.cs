using Coordination.Silo.Calendar;
using Coordination.V1;
using Grpc.Core;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Grpc;

/// <summary>
/// The working-day calendar every deadline is counted on, for clients that show "5 working days"
/// as a date before a person assigns. Any signed-in caller may use it; it discloses nothing.
/// </summary>
public sealed class CalendarGrpcService(WorkingCalendar calendar, TimeProvider time) : CalendarService.CalendarServiceBase
{
    private const int MaxWorkingDays = 365;

    /// <inheritdoc/>
    public override System.Threading.Tasks.Task<AddWorkingDaysResponse> AddWorkingDays(AddWorkingDaysRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        if (request.WorkingDays is < 1 or > MaxWorkingDays)
        {
            v.Add("working_days", $"Must be between 1 and {MaxWorkingDays} / phải từ 1 đến {MaxWorkingDays} ngày làm việc.");
        }
        var start = request.StartTime?.ToDateTimeOffset() ?? time.GetUtcNow();
        // The end must stay inside the years whose holidays the calendar knows.
        if (!Covers(start.Year) || start.Year > calendar.LastYear - 2)
        {
            v.Add("start_time", $"Must be within {calendar.FirstYear}–{calendar.LastYear - 2} / ngoài phạm vi lịch làm việc.");
        }
        v.ThrowIfAny();
        var end = calendar.AddWorkingDays(start, request.WorkingDays);
        var local = TimeZoneInfo.ConvertTime(end, WorkingCalendar.VietnamTime);
        return Task.FromResult(new AddWorkingDaysResponse
        {
            EndTime = end.ToTimestamp(),
            EndDate = new CalendarDate { Year = local.Year, Month = local.Month, Day = local.Day },
        });
    }

    /// <inheritdoc/>
    public override System.Threading.Tasks.Task<ListDaysOffResponse> ListDaysOff(ListDaysOffRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        if (!Covers(request.Year))
        {
            v.Add("year", $"Must be between {calendar.FirstYear} and {calendar.LastYear} / năm phải từ {calendar.FirstYear} đến {calendar.LastYear}.");
        }
        v.ThrowIfAny();
        var response = new ListDaysOffResponse();
        response.Days.AddRange(calendar.DaysOffIn(request.Year).Select(d => new CalendarDate { Year = d.Year, Month = d.Month, Day = d.Day }));
        return Task.FromResult(response);
    }

    private bool Covers(int year) => year >= calendar.FirstYear && year <= calendar.LastYear;
}
