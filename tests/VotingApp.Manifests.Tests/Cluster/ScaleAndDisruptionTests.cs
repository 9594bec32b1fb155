using VotingApp.Manifests.Tests.Platforms;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>
/// Scale and voluntary disruption: the app scales with a HorizontalPodAutoscaler, every stateless
/// Deployment runs more than one pod behind a PodDisruptionBudget, the databases stay single with Recreate.
/// </summary>
public sealed class ScaleAndDisruptionTests
{
    private static readonly string[] Stateless = ["voting-app", "voting-analytics", "voting-storage"];

    [Fact]
    public void The_app_is_scaled_by_an_autoscaler_and_names_no_replicas()
    {
        var state = ClusterState.After(ManifestFiles.Steps.Count - 1);
        var apps = state.Workloads.Where(w => w.App == "voting-app").ToList();
        Assert.Equal(2, apps.Count);
        Assert.All(apps, app =>
        {
            Assert.Null(app.Deployment.Json["spec"]!["replicas"]);
            var hpa = state.Find("HorizontalPodAutoscaler", app.Name);
            Assert.NotNull(hpa);
            Assert.Equal("autoscaling/v2", hpa.ApiVersion);
            Assert.Equal(app.Name, hpa.Json["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>());
            Assert.True(hpa.Json["spec"]!["minReplicas"]!.GetValue<int>() >= 3, $"{hpa}: minReplicas");
        });
    }

    [Fact]
    public void Every_stateless_deployment_runs_several_pods_behind_a_disruption_budget()
    {
        var state = ClusterState.After(ManifestFiles.Steps.Count - 1);
        var stateless = state.Workloads.Where(w => Stateless.Contains(w.App)).ToList();
        Assert.Equal(7, stateless.Count);
        Assert.All(stateless, workload =>
        {
            var replicas = state.Find("HorizontalPodAutoscaler", workload.Name)?.Json["spec"]!["minReplicas"]!.GetValue<int>() ?? workload.Replicas;
            Assert.True(replicas >= 2, $"{workload}: {replicas} replica(s)");
            var budgets = state.OfKind("PodDisruptionBudget")
                .Where(b => workload.HasLabels(Workload.Labels(b.Json["spec"]!["selector"]!["matchLabels"]))).ToList();
            var budget = Assert.Single(budgets);
            Assert.Equal(1, budget.Json["spec"]!["maxUnavailable"]!.GetValue<int>());
        });
    }

    [Fact]
    public void The_databases_stay_single_with_recreate_and_no_budget()
    {
        var state = ClusterState.After(ManifestFiles.Steps.Count - 1);
        var databases = state.Workloads.Where(w => !Stateless.Contains(w.App)).ToList();
        Assert.Equal(["voting-mysql", "voting-redis"], databases.Select(d => d.App).Order());
        Assert.All(databases, database =>
        {
            Assert.Equal(1, database.Replicas);
            Assert.Equal("Recreate", database.Deployment.Json["spec"]!["strategy"]!["type"]!.GetValue<string>());
            // A budget that allows no disruption would block every drain (and an AKS node upgrade) for good.
            Assert.DoesNotContain(state.OfKind("PodDisruptionBudget"), b => database.HasLabels(Workload.Labels(b.Json["spec"]!["selector"]!["matchLabels"])));
        });
    }

    /// <summary>After every step: each autoscaler targets a Deployment that exists, each budget selects pods of exactly one.</summary>
    [Theory]
    [MemberData(nameof(CrossReferenceTests.PlatformSteps), MemberType = typeof(CrossReferenceTests))]
    public void Every_autoscaler_and_budget_belongs_to_one_deployment(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var wrong = new List<string>();
        foreach (var hpa in state.OfKind("HorizontalPodAutoscaler"))
        {
            var target = hpa.Json["spec"]!["scaleTargetRef"]!;
            if (target["kind"]!.GetValue<string>() != "Deployment" || state.Find("Deployment", target["name"]!.GetValue<string>()) is null) wrong.Add($"{hpa}: no Deployment {target["name"]}");
        }

        foreach (var budget in state.OfKind("PodDisruptionBudget"))
        {
            var owners = state.Workloads.Where(w => w.HasLabels(Workload.Labels(budget.Json["spec"]!["selector"]!["matchLabels"]))).ToList();
            if (owners.Count != 1) wrong.Add($"{budget}: selects pods of {owners.Count} Deployments");
        }

        Assert.True(wrong.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", wrong));
    }
}
