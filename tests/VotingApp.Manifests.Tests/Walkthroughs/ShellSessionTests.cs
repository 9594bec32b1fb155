using VotingApp.Manifests.Tests.Platforms;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>The command model refuses what it does not know, and kubectl's refusals are failures of the command.</summary>
public sealed class ShellSessionTests
{
    private static ShellSession Upstream()
    {
        var shell = new ShellSession(new ClusterModel(Platform.Istioctl));
        shell.Run("istioctl install --set profile=default");
        shell.Run("kubectl create namespace voting");
        return shell;
    }

    [Theory]
    [InlineData("kubectl scale deployment/voting-app-1-0 --replicas 3 --namespace voting")]
    [InlineData("kubectl patch deployment voting-app-1-0 --namespace voting -p '{}'")]
    [InlineData("terraform apply")]
    [InlineData("helm install prometheus prometheus-community/prometheus -n voting")]
    [InlineData("for i in 1 2; do kubectl create namespace x$i; done")]
    [InlineData("kubectl get pods --namespace voting & kubectl delete namespace voting &")]
    public void A_command_it_does_not_model_stops_the_run(string command)
    {
        var shell = Upstream();
        shell.Run("helm repo add prometheus-community https://prometheus-community.github.io/helm-charts");
        Assert.Throws<NotSupportedException>(() => shell.Run(command));
    }

    [Theory]
    [InlineData("kubectl create namespace voting", "already exists")]
    [InlineData("kubectl apply -f kubernetes/step-1-create-voting-app.yaml --namespace nowhere", "namespaces \"nowhere\" not found")]
    [InlineData("kubectl delete -f kubernetes/step-4-remove-old-versions.yaml --namespace voting", "not found")]
    [InlineData("kubectl rollout status deployment/voting-app-1-0 --namespace voting", "not found")]
    [InlineData("istioctl --istioNamespace aks-istio-system proxy-status", "no Istio control plane")]
    [InlineData("kubectl apply -f gateway-api/step-1-create-voting-app-gateway.yaml --namespace voting", "ensure CRDs are installed first")]
    [InlineData("echo $INGRESS_IP", "$INGRESS_IP is not set")]
    public void What_kubectl_would_refuse_fails_the_command(string command, string message)
    {
        var failure = Assert.Throws<CommandFailed>(() => Upstream().Run(command));
        Assert.Contains(message, failure.Message);
    }

    [Fact]
    public void A_step_rendered_by_kustomize_lands_in_the_namespace_with_kubectl_s_answers()
    {
        var shell = Upstream();
        shell.Run("kubectl kustomize --load-restrictor LoadRestrictionsNone platforms/istioctl/kubernetes/step-2 | kubectl apply --namespace voting -f -");
        Assert.Equal(["deployment.apps/voting-analytics-1-1 created", "poddisruptionbudget.policy/voting-analytics-1-1 created"], shell.Results);
        Assert.NotNull(shell.Cluster.Find("voting", "Deployment", "voting-analytics-1-1"));
        shell.Run("kubectl kustomize --load-restrictor LoadRestrictionsNone platforms/istioctl/kubernetes/step-2 | kubectl apply --namespace voting -f -");
        Assert.All(shell.Results, line => Assert.EndsWith(" unchanged", line));
    }

    [Fact]
    public void A_label_is_set_and_removed()
    {
        var shell = Upstream();
        shell.Run("kubectl label namespace voting istio-injection=enabled");
        Assert.Equal("enabled", shell.Cluster.Labels("voting")["istio-injection"]);
        shell.Run("kubectl label namespace voting istio-injection-");
        Assert.False(shell.Cluster.Labels("voting").ContainsKey("istio-injection"));
    }

    [Fact]
    public void The_states_of_a_walkthrough_are_one_per_command()
    {
        var run = Walkthrough.Load("istio", "aks");
        Assert.Equal(run.Commands.Count, run.States.Count);
        var applied = run.States.First(s => s.Command.Text.Contains("istio/step-3b", StringComparison.Ordinal));
        Assert.Contains(applied.Voting.OfKind("VirtualService"), v => v.Name == "voting-app" && v.File.Contains("step-3b", StringComparison.Ordinal));
        Assert.DoesNotContain(run.States, s => s.Cluster.HasNamespace("istio-system"));
    }
}
