namespace Coordination.LoadGen;

/// <summary>"--name value" command-line options.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = [];

    /// <summary>Parses <paramref name="args"/>.</summary>
    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            o._values[args[i].TrimStart('-')] = args[i + 1];
        }
        return o;
    }

    /// <summary>A text option.</summary>
    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    /// <summary>An integer option.</summary>
    public int Number(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
