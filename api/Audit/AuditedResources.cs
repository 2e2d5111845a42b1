using System.Collections;
using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Coordination.Api.Audit;

/// <summary>
/// What a message discloses, for the audit: every case and task it carries (a <c>Case</c> or
/// <c>Task</c> message, or a <c>case</c>/<c>task</c> reference in an agenda item, an inbox event, a
/// counselling session, a duplicate candidate…), and the conferences, counselling sessions and
/// accounts it returns. The plan for a message type is worked out once from its descriptor and kept;
/// a call then only follows the fields that can lead to such a name (compiled accessors, no lookups
/// by name), so a new message that carries cases or tasks is audited without anyone listing it.
/// </summary>
public static class AuditedResources
{
    /// <summary>Collections a disclosed name may belong to; anything else (wards, agencies) is directory data.</summary>
    private static readonly string[] Disclosed = ["cases/", "tasks/", "counsellingSessions/", "users/"];

    /// <summary>
    /// Fields that name what the message carries: its own <c>name</c>, and the <c>case</c>,
    /// <c>task</c> or <c>conference</c> an item is about, or the <c>resource</c> a timeline entry
    /// tells the history of. Lists of bare names (<c>Case.tasks</c>, a ward summary's
    /// <c>flagged_cases</c>) say that something exists, not what it holds, and are left out.
    /// </summary>
    private static readonly string[] NamingFields = ["name", "case", "task", "conference", "resource"];

    /// <summary>
    /// Messages that name resources without carrying anything of them: the audit trail's own events
    /// (reading who read a case is not reading the case).
    /// </summary>
    private static readonly string[] NamesOnly = ["coordination.v1.AuditEvent"];

    /// <summary>Request fields that say what a call is about when its answer names nothing, first match wins.</summary>
    private static readonly string[] TargetFields = ["name", "case", "parent", "ward", "agency", "inbox", "scope", "principal"];

    private static readonly ConcurrentDictionary<MessageDescriptor, Plan> Plans = new();
    private static readonly ConcurrentDictionary<MessageDescriptor, IFieldAccessor?> Targets = new();

    /// <summary>The distinct resources <paramref name="message"/> discloses, in the order met (cases and tasks as <c>cases/{id}</c>, <c>tasks/{id}</c>).</summary>
    public static IReadOnlyList<string> Of(IMessage? message)
    {
        if (message is null)
        {
            return [];
        }
        var plan = PlanFor(message.Descriptor);
        if (plan.IsEmpty)
        {
            return [];
        }
        var found = new List<string>();
        HashSet<string>? seen = null;
        plan.Collect(message, found, ref seen);
        return found;
    }

    /// <summary>The resource a request names (its <c>name</c>, <c>case</c>, <c>parent</c>, <c>ward</c>…), or empty.</summary>
    public static string TargetOf(IMessage? request)
    {
        if (request is null)
        {
            return "";
        }
        var field = Targets.GetOrAdd(request.Descriptor, static d => TargetFields
            .Select(d.FindFieldByName)
            .FirstOrDefault(f => f is { FieldType: FieldType.String, IsRepeated: false })?.Accessor);
        return field?.GetValue(request) is string { Length: > 0 } value ? Normalize(value) : "";
    }

    /// <summary>Whether <paramref name="name"/> is a case's or a task's.</summary>
    public static bool IsCaseOrTask(string name) =>
        name.StartsWith("cases/", StringComparison.Ordinal) || name.StartsWith("tasks/", StringComparison.Ordinal);

    /// <summary>
    /// A case's or task's sub-resource (<c>cases/{id}/consents/1</c>) is recorded as the case or task
    /// itself, so the trail of a case (<c>AuditService</c>, filtered by case) finds it.
    /// </summary>
    public static string Normalize(string name)
    {
        if (!name.StartsWith("cases/", StringComparison.Ordinal) && !name.StartsWith("tasks/", StringComparison.Ordinal))
        {
            return name;
        }
        var second = name.IndexOf('/', 6);
        return second < 0 ? name : name[..second];
    }

    private static Plan PlanFor(MessageDescriptor type)
    {
        if (Plans.TryGetValue(type, out var plan))
        {
            return plan;
        }
        lock (Plans)
        {
            var building = new Dictionary<MessageDescriptor, Plan>();
            plan = Build(type, building);
            // Which plans can lead to a name at all: a least fixed point, since types may nest themselves.
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var p in building.Values.Where(p => !p.Leads && (p.Names.Count > 0 || p.Children.Any(c => c.Plan.Leads))))
                {
                    p.Leads = changed = true;
                }
            }
            foreach (var (t, p) in building)
            {
                p.Children.RemoveAll(c => !c.Plan.Leads);
                Plans.TryAdd(t, p);
            }
            return plan;
        }
    }

    private static Plan Build(MessageDescriptor type, Dictionary<MessageDescriptor, Plan> building)
    {
        if (Plans.TryGetValue(type, out var done) || building.TryGetValue(type, out done))
        {
            return done;
        }
        var plan = new Plan();
        building[type] = plan;
        if (type.File.Package.StartsWith("google.", StringComparison.Ordinal) || NamesOnly.Contains(type.FullName))
        {
            return plan; // timestamps, field masks, Struct, audit events: never a disclosure
        }
        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            if (field.IsMap)
            {
                continue;
            }
            if (field.FieldType == FieldType.String && !field.IsRepeated && NamingFields.Contains(field.Name))
            {
                plan.Names.Add(field.Accessor);
            }
            else if (field.FieldType == FieldType.Message)
            {
                plan.Children.Add((field.Accessor, field.IsRepeated, Build(field.MessageType, building)));
            }
        }
        return plan;
    }

    private static bool IsDisclosed(string name) =>
        Disclosed.Any(p => name.StartsWith(p, StringComparison.Ordinal))
        || name.StartsWith("clusters/", StringComparison.Ordinal) && name.Contains("/conferences/", StringComparison.Ordinal);

    /// <summary>
    /// Adds <paramref name="name"/> once: most answers name one to a few resources, searched in the
    /// list itself; a set is built only when the list grows (a page of a listing), so a GetCase
    /// allocates no set.
    /// </summary>
    private static void Add(string name, List<string> found, ref HashSet<string>? seen)
    {
        if (seen is not null)
        {
            if (seen.Add(name))
            {
                found.Add(name);
            }
            return;
        }
        if (found.Contains(name)) // string equality is ordinal
        {
            return;
        }
        found.Add(name);
        if (found.Count > 16)
        {
            seen = new HashSet<string>(found, StringComparer.Ordinal);
        }
    }

    private sealed class Plan
    {
        public readonly List<IFieldAccessor> Names = [];
        public readonly List<(IFieldAccessor Field, bool Repeated, Plan Plan)> Children = [];

        /// <summary>Whether this type can carry a disclosed name, itself or below.</summary>
        public bool Leads;

        public bool IsEmpty => !Leads;

        public void Collect(IMessage message, List<string> found, ref HashSet<string>? seen)
        {
            foreach (var field in Names)
            {
                if (field.GetValue(message) is string { Length: > 0 } value && IsDisclosed(value))
                {
                    Add(Normalize(value), found, ref seen);
                }
            }
            foreach (var (field, repeated, plan) in Children)
            {
                if (repeated)
                {
                    foreach (var item in (IList)field.GetValue(message))
                    {
                        plan.Collect((IMessage)item, found, ref seen);
                    }
                }
                else if (field.GetValue(message) is IMessage child)
                {
                    plan.Collect(child, found, ref seen);
                }
            }
        }
    }
}
