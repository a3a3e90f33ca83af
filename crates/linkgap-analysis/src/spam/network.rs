//! Link networks: referring domains tied by a shared IP, a shared /24 subnet or interlinks, found
//! as connected components of a petgraph graph.

use std::collections::{BTreeMap, BTreeSet};

use hashbrown::HashMap;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;

use super::SpamConfig;

/// Why two referring domains are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum EdgeKind {
    SharedIp,
    SharedSubnet,
    Interlink,
}

/// What the network pass knows about one referring domain (registrable).
#[derive(Debug, Default)]
pub(crate) struct NodeFacts<'a> {
    /// IPs its hosts were seen on, sorted, each once.
    pub(crate) ips: Vec<&'a str>,
    /// /24 (or IPv6 /48) blocks of those IPs, sorted, each once.
    pub(crate) subnets: Vec<String>,
    /// Other referring domains its rows link to (interlinks), registrable.
    pub(crate) links_to_sources: BTreeSet<String>,
}

/// One component of at least [`SpamConfig::min_network_domains`] domains.
#[derive(Debug)]
pub(crate) struct Component {
    /// Members, sorted.
    pub(crate) members: Vec<String>,
    /// IPs shared by at least two members (edges of kind shared IP), sorted.
    pub(crate) shared_ips: Vec<String>,
    /// Subnets shared by members (edges of kind shared subnet), sorted.
    pub(crate) shared_subnets: Vec<String>,
    /// Interlink edges inside the component.
    pub(crate) interlinks: usize,
    /// For each member, the kinds of edges that touch it.
    pub(crate) member_kinds: BTreeMap<String, BTreeSet<EdgeKind>>,
}

/// Groups whose size is within `[min, max]`: below `min` a coincidence, above `max` a shared
/// host or CDN (thousands of unrelated sites sit behind one CDN address).
fn qualifying_groups(
    groups: &HashMap<&str, Vec<usize>>,
    min: usize,
    max: usize,
) -> Vec<(String, Vec<usize>)> {
    groups
        .iter()
        .filter(|(_, members)| members.len() >= min.max(2) && members.len() <= max)
        .map(|(key, members)| ((*key).to_owned(), members.clone()))
        .collect()
}

/// Finds the networks among `nodes` (sorted by name, so indices are deterministic; which member
/// of a group is the hub of its star does not matter, so groups are hashed, not sorted).
pub(crate) fn find_networks(
    nodes: &[(&str, NodeFacts<'_>)],
    config: &SpamConfig,
) -> Vec<Component> {
    let index_of: HashMap<&str, usize> =
        nodes.iter().enumerate().map(|(idx, (name, _))| (*name, idx)).collect();
    let mut by_ip: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_subnet: HashMap<&str, Vec<usize>> = HashMap::new();
    for (idx, (_, facts)) in nodes.iter().enumerate() {
        for &ip in &facts.ips {
            by_ip.entry(ip).or_default().push(idx);
        }
        for subnet in &facts.subnets {
            by_subnet.entry(subnet.as_str()).or_default().push(idx);
        }
    }
    let mut graph: UnGraph<usize, (EdgeKind, String)> = UnGraph::with_capacity(nodes.len(), 0);
    let node_ids: Vec<NodeIndex> = (0..nodes.len()).map(|idx| graph.add_node(idx)).collect();
    // A group becomes a star around its first member: connected, with one edge per member.
    let mut add_group = |members: &[usize], kind: EdgeKind, key: &str| {
        if let Some((&hub, rest)) = members.split_first() {
            for &member in rest {
                graph.add_edge(node_ids[hub], node_ids[member], (kind, key.to_owned()));
            }
        }
    };
    for (ip, members) in
        qualifying_groups(&by_ip, config.shared_ip_min_domains, config.max_group_domains)
    {
        add_group(&members, EdgeKind::SharedIp, &ip);
    }
    for (subnet, members) in
        qualifying_groups(&by_subnet, config.shared_subnet_min_domains, config.max_group_domains)
    {
        add_group(&members, EdgeKind::SharedSubnet, &subnet);
    }
    for (idx, (_, facts)) in nodes.iter().enumerate() {
        for other in &facts.links_to_sources {
            if let Some(&other_idx) = index_of.get(other.as_str())
                && other_idx != idx
            {
                graph.add_edge(
                    node_ids[idx],
                    node_ids[other_idx],
                    (EdgeKind::Interlink, String::new()),
                );
            }
        }
    }
    let mut components = UnionFind::<usize>::new(nodes.len());
    for edge in graph.edge_indices() {
        if let Some((a, b)) = graph.edge_endpoints(edge) {
            components.union(graph[a], graph[b]);
        }
    }
    // Only components large enough to be networks are gathered (most domains are alone).
    let roots: Vec<usize> = (0..nodes.len()).map(|idx| components.find(idx)).collect();
    let mut sizes = vec![0_usize; nodes.len()];
    for &root in &roots {
        sizes[root] += 1;
    }
    let mut grouped: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (idx, &root) in roots.iter().enumerate() {
        if sizes[root] >= config.min_network_domains.max(2) {
            grouped.entry(root).or_default().push(idx);
        }
    }
    let mut result = Vec::new();
    for members in grouped.into_values() {
        if members.len() < config.min_network_domains.max(2) {
            continue;
        }
        let mut member_kinds: BTreeMap<String, BTreeSet<EdgeKind>> = BTreeMap::new();
        let mut shared_ips = BTreeSet::new();
        let mut shared_subnets = BTreeSet::new();
        let mut interlinks = 0;
        for &member in &members {
            for edge in graph.edges(node_ids[member]) {
                let (kind, key) = edge.weight();
                member_kinds.entry(nodes[member].0.to_owned()).or_default().insert(*kind);
                // Count each edge once, from its lower endpoint.
                let (a, b) = (graph[edge.source()], graph[edge.target()]);
                if member != a.min(b) {
                    continue;
                }
                match kind {
                    EdgeKind::SharedIp => {
                        shared_ips.insert(key.clone());
                    }
                    EdgeKind::SharedSubnet => {
                        shared_subnets.insert(key.clone());
                    }
                    EdgeKind::Interlink => interlinks += 1,
                }
            }
        }
        result.push(Component {
            members: members.iter().map(|&idx| nodes[idx].0.to_owned()).collect(),
            shared_ips: shared_ips.into_iter().collect(),
            shared_subnets: shared_subnets.into_iter().collect(),
            interlinks,
            member_kinds,
        });
    }
    result
}
