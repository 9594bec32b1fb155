using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Who the client is and how it reached the site: ASP.NET Core's ForwardedHeaders middleware, believing
/// X-Forwarded-For and X-Forwarded-Proto only from a proxy the operator declares in KNOWN_PROXIES (addresses
/// and networks); from anyone else the connection's own address and scheme stand. Behind an Istio sidecar
/// every request arrives from 127.0.0.6 (Istio, pilot/pkg/networking/core/listener_address.go:
/// InboundPassthroughBindIpv4, the source address of the sidecar's inbound clusters), and the right-most
/// X-Forwarded-For entry is the one the ingress gateway appended (Istio's gateways run with use_remote_address:
/// pilot/pkg/networking/core/gateway.go).
/// Only one hop is believed: the left-most entries are whatever the client wrote.
/// x-envoy-external-address is not read: from a declared proxy the right-most X-Forwarded-For entry is the
/// same address, and the framework believes one header.
/// </summary>
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

    /// <summary>
    /// The middleware runs only when KNOWN_PROXIES names a proxy: with both of its lists empty it believes
    /// every peer (what ASPNETCORE_FORWARDEDHEADERS_ENABLED relies on), the opposite of what is meant here.
    /// </summary>
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

    /// <summary>
    /// The client as its budget is kept: its address (after the forwarded headers), an IPv6 client by its /64
    /// (one host's usual prefix, so that it cannot take a fresh budget per address). Always a parsed address
    /// of a peer that completed a TCP handshake with us or with the declared proxy, never a header's text.
    /// </summary>
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
