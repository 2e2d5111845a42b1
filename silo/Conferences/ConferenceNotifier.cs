using Coordination.Silo.Feed;

namespace Coordination.Silo.Conferences;

/// <summary>
/// Tells a conference's participants through their feeds: each ward office of the cluster (its
/// vice-chair and officers), the Centre's coordinators, and the departments of the cluster — every
/// agency whose ward is one of the cluster's wards (a partner sees it as a CONFERENCE event).
/// </summary>
public sealed class ConferenceNotifier(ConferenceStore store, FeedStore feed)
{
    /// <summary>Appends <paramref name="notice"/> to every participant's inbox; idempotent per event key and inbox.</summary>
    public async Task SendAsync(ConferenceRecord r, PendingNotice notice, string[] wardIds)
    {
        var type = notice.Kind switch
        {
            ConferenceNotice.Scheduled => InboxEventType.ConferenceScheduled,
            ConferenceNotice.AgendaReady => InboxEventType.ConferenceAgendaReady,
            ConferenceNotice.Rescheduled => InboxEventType.ConferenceRescheduled,
            _ => InboxEventType.Unspecified,
        };
        if (type == InboxEventType.Unspecified)
        {
            return;
        }
        var item = new InboxItem("", "", r.Key, Title(notice.Kind, r), Detail(r, notice));
        var inboxes = new List<string> { Inboxes.Centre };
        inboxes.AddRange(wardIds.Select(Inboxes.Ward));
        inboxes.AddRange((await store.DepartmentsAsync(wardIds)).Select(Inboxes.Agency));
        // Event keys are unique across all feeds: one per notice and inbox.
        await Task.WhenAll(inboxes.Select(inbox => feed.AppendInboxAsync(inbox, $"{notice.EventKey}:{inbox}", type, notice.Time, item)));
    }

    /// <summary>The notice's title, Vietnamese and English.</summary>
    public static string Title(ConferenceNotice kind, ConferenceRecord r) => kind switch
    {
        ConferenceNotice.Scheduled => $"Lịch hội thảo ca / Case conference scheduled: {r.Title}",
        ConferenceNotice.AgendaReady => $"Chương trình hội thảo ca đã sẵn sàng / Case conference agenda ready: {r.Title}",
        _ => $"Hội thảo ca dời lịch / Case conference moved: {r.Title}",
    };

    private static string Detail(ConferenceRecord r, PendingNotice notice)
    {
        var when = Calendar.WorkingCalendar.FormatLocal(r.StartTime);
        var detail = $"{when} — {r.Location}";
        return notice.Detail.Length > 0 ? $"{detail} — {notice.Detail}" : detail;
    }
}
