using System.CommandLine;
using Spectre.Console;
using VotingApp.LoadGenerator;

var parsed = LoadGeneratorCommand.Create().Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors) await Console.Error.WriteLineAsync(error.Message);
    await Console.Error.WriteLineAsync("Run with --help for the options.");
    return 2;
}

return await parsed.InvokeAsync(new InvocationConfiguration
{
    // Ctrl+C and SIGTERM (kubectl delete) stop the run; the summary is still printed.
    ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
});

public static class LoadGeneratorCommand
{
    public const int ExitTooManyErrors = 1;
    public const int ExitNotReady = 3;

    /// <summary>The local run's voting page (dotnet run --project src/VotingApp.AppHost).</summary>
    public const string LocalRunUrl = "http://localhost:8080/";

    /// <summary>The cookie Istio routes the canary on, sent by --cookie-share when no --cookie is given.</summary>
    public const string FeatureFlagCookie = "featureflag=on";

    public static RootCommand Create()
    {
        var url = new Option<Uri>("--url", "-u")
        {
            Description = $"The voting app to load, e.g. http://20.42.1.1/ (the ingress gateway). GET and POST go to this URL. Default: {LocalRunUrl}, the local run's page.",
            DefaultValueFactory = _ => new Uri(LocalRunUrl),
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
                result.AddError($"--url must be an absolute http:// or https:// URL, not '{text}'.");
                return null;
            },
        };
        var connections = new Option<int>("--connections", "-c")
        {
            Description = "Virtual users, each with its own keep-alive connection (closed model: each sends its next request when the last is answered).",
            DefaultValueFactory = _ => 16,
        };
        connections.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 10_000) r.AddError("--connections must be between 1 and 10000."); });
        var duration = DurationOption("--duration", "-d", "How long to measure, e.g. 30s, 2m, 1m30s; 0 runs until Ctrl+C / SIGTERM (or --requests).", "30s");
        var warmup = DurationOption("--warmup", "-w", "Load sent before measuring starts and not counted, e.g. 5s (JIT, connection pools, caches).", "0s");
        var mode = new Option<LoadMode?>("--mode", "-m")
        {
            Description = "browse: GET the page (the article's curl loop); vote: POST vote=<option> as the form does; mix: both, --vote-ratio of them votes. Default: browse, or mix when --vote-ratio is given.",
        };
        var voteRatio = new Option<double?>("--vote-ratio")
        {
            Description = "In mix mode, the share of requests that are votes (0..1). Default 0.2.",
        };
        voteRatio.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is < 0 or > 1) r.AddError("--vote-ratio must be between 0 and 1."); });
        var options = new Option<string>("--options")
        {
            Description = "The vote options to pick from at random, comma-separated (the app's VOTE1VALUE,VOTE2VALUE).",
            DefaultValueFactory = _ => "Cats,Dogs",
        };
        var cookie = new Option<string[]>("--cookie")
        {
            Description = "A cookie name=value that virtual users send, e.g. featureflag=on to be routed to the canary; repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var cookieShare = new Option<double?>("--cookie-share")
        {
            Description = $"The share of requests (virtual users) that carry the --cookie, 0..1, e.g. 0.1 for a canary's tenth. Default 1: all. Without --cookie, the cookie is {FeatureFlagCookie}.",
        };
        cookieShare.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is < 0 or > 1) r.AddError("--cookie-share must be between 0 and 1."); });
        var rate = new Option<double>("--rate", "-r")
        {
            Description = "Open model: send this many requests per second whatever the answers take, over --connections; latency is counted from when each request was due, so a stalled server is not hidden. 0 (default): closed model.",
            DefaultValueFactory = _ => 0,
        };
        rate.Validators.Add(r => { if (r.GetValueOrDefault<double>() < 0) r.AddError("--rate must not be negative."); });
        var requests = new Option<long>("--requests", "-n")
        {
            Description = "Stop after this many requests (0: no limit; --duration still applies when it is not 0).",
            DefaultValueFactory = _ => 0,
        };
        requests.Validators.Add(r => { if (r.GetValueOrDefault<long>() < 0) r.AddError("--requests must not be negative."); });
        var timeout = DurationOption("--timeout", null, "How long to wait for one answer before counting the request as an error.", "10s");
        var waitReady = DurationOption("--wait", null, "Before starting, poll the URL until it answers 2xx, for at most this long (e.g. 5m in a cluster); exits 3 if it never does.", "0s");
        var maxErrors = new Option<double>("--max-errors")
        {
            Description = "Exit 1 when more than this percentage of requests failed (no answer, or 4xx/5xx; a vote's 303 is a success).",
            DefaultValueFactory = _ => 1.0,
        };
        var json = new Option<string?>("--json")
        {
            Description = "Also write the summary (rates, latencies, status counts, version mix, per chain of versions) to this JSON file.",
        };
        var report = new Option<string?>("--report")
        {
            Description = "Also write a self-contained HTML report to this file: per chain of versions requests, success rate, p50 and p99, and a chart of latency over time.",
        };
        var progressInterval = DurationOption("--progress-interval", null, "How often the live line is updated (one line each time when the output is not a terminal).", "1s");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No live progress line; only the summary." };

        var root = new RootCommand("""
            Load generator for the voting app: drives it like the article's curl loop and like real voters, and
            reports requests/s, latency percentiles (HdrHistogram), status codes and which app / analytics / storage
            versions answered (from the x-voting-chain header), so a canary split is seen at a glance.
            Exit code: 0 ok, 1 error share above --max-errors (or no answer at all), 2 bad arguments, 3 nothing answers
            at the URL (at once, or within --wait; with --max-errors 100 errors are counted instead).
            """)
        {
            url, connections, duration, warmup, mode, voteRatio, options, cookie, cookieShare, rate, requests,
            timeout, waitReady, maxErrors, json, report, progressInterval, quiet,
        };

        root.SetAction(async (parse, cancellationToken) =>
        {
            var ratio = parse.GetValue(voteRatio);
            var share = parse.GetValue(cookieShare);
            // A share without a cookie means the canary's cookie, as in the walkthrough's --cookie-share 0.1.
            var cookies = parse.GetValue(cookie) is { Length: > 0 } given ? given : share is null ? [] : [FeatureFlagCookie];
            var cookieHeader = LoadSettings.ParseCookies(cookies);
            if (parse.GetValue(cookie) is { Length: > 0 } && cookieHeader is null)
            {
                await Console.Error.WriteLineAsync("--cookie must be name=value, e.g. featureflag=on.");
                return 2;
            }

            var voteOptions = (parse.GetValue(options) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (voteOptions.Length == 0)
            {
                await Console.Error.WriteLineAsync("--options needs at least one option.");
                return 2;
            }

            var settings = new LoadSettings
            {
                Url = parse.GetRequiredValue(url),
                Connections = parse.GetValue(connections),
                Duration = parse.GetValue(duration),
                Warmup = parse.GetValue(warmup),
                Mode = parse.GetValue(mode) ?? (ratio is null ? LoadMode.Browse : LoadMode.Mix),
                VoteRatio = ratio ?? 0.2,
                VoteOptions = voteOptions,
                CookieHeader = cookieHeader,
                CookieShare = share ?? 1.0,
                Rate = parse.GetValue(rate),
                MaxRequests = parse.GetValue(requests),
                Timeout = parse.GetValue(timeout),
                WaitReady = parse.GetValue(waitReady),
                MaxErrorsPercent = parse.GetValue(maxErrors),
                JsonPath = parse.GetValue(json),
                ReportPath = parse.GetValue(report),
                ProgressInterval = parse.GetValue(progressInterval),
                Quiet = parse.GetValue(quiet),
            };
            return await RunAsync(settings, cancellationToken);
        });
        return root;
    }

    public static async Task<int> RunAsync(LoadSettings settings, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        if (settings.WaitReady > TimeSpan.Zero)
        {
            if (!await LoadRunner.WaitUntilReadyAsync(settings, output, cancellationToken)) return ExitNotReady;
        }
        // --max-errors 100 says errors are expected (Flagger's load webhooks run while the gateway may refuse), so no probe.
        else if (settings.MaxErrorsPercent < 100 && await LoadRunner.ProbeAsync(settings, cancellationToken) is { } failure)
        {
            // Nothing there: say so at once rather than counting errors for the whole --duration.
            await Console.Error.WriteLineAsync($"{settings.Url}: {failure}, nothing answers there. " +
                (settings.Url.ToString() == LocalRunUrl ? "Start the local run (dotnet run --project src/VotingApp.AppHost), or give --url. " : "") +
                "--wait 2m polls until it answers.");
            return ExitNotReady;
        }

        var model = settings.IsOpenModel ? $"{settings.Rate:#,0.#} req/s (open model)" : "closed loop";
        var length = settings.Duration > TimeSpan.Zero ? $"{settings.Duration.TotalSeconds:0.#} s" : "until stopped";
        var mix = settings.Mode == LoadMode.Mix ? $" ({settings.VoteRatio:P0} votes)" : "";
        var cookies = settings.CookieHeader is null ? "" : $", cookie {settings.CookieHeader} on {settings.CookieShare:P0}";
        await output.WriteLineAsync($"{settings.Mode.ToString().ToLowerInvariant()}{mix} {settings.Url} with {settings.Connections} connections, {model}, {length}{cookies}");

        var runner = new LoadRunner(settings, settings.Quiet ? null : output);
        var summary = await runner.RunAsync(cancellationToken);
        summary.Print(AnsiConsole.Console);
        if (settings.JsonPath is not null)
        {
            await summary.WriteJsonAsync(settings.JsonPath);
        }

        if (settings.ReportPath is not null)
        {
            await HtmlReport.WriteAsync(summary, settings.ReportPath);
            await output.WriteLineAsync($"report: {Path.GetFullPath(settings.ReportPath)}");
        }

        if (!summary.Passed)
        {
            await Console.Error.WriteLineAsync(summary.Requests == 0
                ? "No request was answered."
                : $"Error share {summary.ErrorPercent:0.00}% is above --max-errors {settings.MaxErrorsPercent:0.##}%.");
            return ExitTooManyErrors;
        }

        return 0;
    }

    private static Option<TimeSpan> DurationOption(string name, string? alias, string description, string defaultValue)
    {
        var option = alias is null ? new Option<TimeSpan>(name) : new Option<TimeSpan>(name, alias);
        option.Description = description;
        option.HelpName = "duration";
        option.DefaultValueFactory = _ => LoadSettings.TryParseDuration(defaultValue, out var value) ? value : TimeSpan.Zero;
        option.CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (LoadSettings.TryParseDuration(text, out var value)) return value;
            result.AddError($"{name} must be a duration such as 30s, 500ms, 2m or 1m30s, not '{text}'.");
            return TimeSpan.Zero;
        };
        return option;
    }
}
