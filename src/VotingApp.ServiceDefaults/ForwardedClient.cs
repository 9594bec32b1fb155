using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;

namespace VotingApp.ServiceDefaults;

/// <summary>Forwarded headers believed for one hop from KNOWN_PROXIES only (sidecar traffic comes from 127.0.0.6: Istio pilot/pkg/networking/core/listener_address.go).</summary>
public static class ForwardedClient
{
    public const string KnownProxiesKey = "KNOWN_PROXIES";

    internal static void AddForwardedClient(this WebApplicationBuilder builder)
    {
        var problems = new List<string>();
        var (proxies, networks) = Parse(builder.Configuration[KnownProxiesKey], problems);
        builder.Services.ReportOnStart(problems);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = 1;
            // The framework trusts loopback by default; here only what the operator declared.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) options.KnownProxies.Add(proxy);
            foreach (var network in networks) options.KnownIPNetworks.Add(network);
        });
    }

    /// <summary>Only with a declared proxy: with both lists empty the middleware believes every peer.</summary>
    internal static void UseForwardedClient(this WebApplication app)
    {
        if (!string.IsNullOrWhiteSpace(app.Configuration[KnownProxiesKey])) app.UseForwardedHeaders();
    }

    private static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks) Parse(string? setting, ICollection<string> problems)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in (setting ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (!entry.Contains('/') && IPAddress.TryParse(entry, out var address)) proxies.Add(address);
            else problems.Add($"{KnownProxiesKey} entry '{entry}' is not an IP address or a network (10.0.0.0/8); separate entries with commas.");
        }

        return (proxies, networks);
    }

    /// <summary>The client as its budget is kept: its address, an IPv6 client by its /64 (one host cannot take a budget per address).</summary>
    public static IPAddress AddressOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
