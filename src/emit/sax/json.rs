//! JSON layout of a SAX netlist file, with keys in a fixed order.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::netlist::{ATTENUATOR, CROSSING, Circuit, MZI, PHASE_SHIFTER, WAVEGUIDE, port_name};
use super::{MODELS_FILE, SaxOptions, Stage};
use crate::ir::Network;

const MZI_CONVENTION: &str = "M(theta, phi) = C^dagger P(theta) C P(phi) \
     = exp(i theta/2) [[exp(i phi) cos(theta/2), -sin(theta/2)], \
     [exp(i phi) sin(theta/2), cos(theta/2)]] on modes (m, m+1), row and column 0 = mode m, \
     with C = [[1, i], [i, 1]]/sqrt(2) and P(x) = diag(exp(i x), 1)";

const PORT_NAMING: &str = "2x2 device on modes (m, m+1): o1 = input of mode m, \
     o2 = input of mode m+1, o3 = output of mode m+1, o4 = output of mode m; \
     1x1 device: o1 = input, o2 = output; netlist with N inputs and M outputs: \
     o1..oN = input modes 0..N-1, o(N+1)..o(N+M) = output modes M-1 down to 0 \
     (gdsfactory order: clockwise from the bottom of the west side, mode 0 drawn at the bottom)";

const TRANSFER_MATRIX: &str = "T[k][j] = gain * S(input_ports[j] -> output_ports[k]) is the \
     stage's output_modes x input_modes transfer matrix; modes added by a resize are dark \
     and modes it drops end in an unconnected port";

/// A JSON object whose keys keep the order of the vector.
struct Entries<K, V>(Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Entries<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The netlist file; SAX reads `instances`, `connections` and `ports` and drops `info`.
#[derive(Serialize)]
struct NetlistFile<'a> {
    info: Info<'a>,
    instances: Entries<&'a str, InstanceEntry>,
    connections: Entries<&'a str, &'a str>,
    ports: Entries<&'a str, &'a str>,
}

#[derive(Serialize)]
struct InstanceEntry {
    component: &'static str,
    settings: Entries<&'static str, f64>,
}

/// Metadata for reading the netlist back as the stage's transfer matrix.
#[derive(Serialize)]
struct Info<'a> {
    network: &'a str,
    stage: usize,
    layers: Vec<&'a str>,
    input_modes: usize,
    output_modes: usize,
    /// Top-level input port of each input mode, in mode order.
    input_ports: Vec<String>,
    /// Top-level output port of each output mode, in mode order.
    output_ports: Vec<String>,
    /// Product of the stage's electronic amplitude gains, which no optical device carries.
    gain: f64,
    transfer_matrix: &'static str,
    models_module: &'static str,
    components: Entries<&'static str, &'static str>,
    mzi_convention: &'static str,
    port_naming: &'static str,
}

/// Serializes a stage's circuit with its `info`.
pub(super) fn write(
    network: &Network,
    stage: &Stage,
    circuit: &Circuit,
    options: &SaxOptions,
) -> String {
    let (inputs, outputs) = (stage.input_modes, stage.output_modes);
    let info = Info {
        network: &network.name,
        stage: stage.index,
        layers: stage.layers(),
        input_modes: inputs,
        output_modes: outputs,
        input_ports: (1..=inputs).map(port_name).collect(),
        output_ports: (0..outputs)
            .map(|mode| port_name(inputs + outputs - mode))
            .collect(),
        gain: circuit.gain,
        transfer_matrix: TRANSFER_MATRIX,
        models_module: MODELS_FILE,
        components: components(),
        mzi_convention: MZI_CONVENTION,
        port_naming: PORT_NAMING,
    };
    let instances = circuit
        .instances
        .iter()
        .map(|instance| {
            let entry = InstanceEntry {
                component: instance.component,
                settings: Entries(instance.settings.clone()),
            };
            (instance.name.as_str(), entry)
        })
        .collect();
    let file = NetlistFile {
        info,
        instances: Entries(instances),
        connections: Entries(borrow_pairs(&circuit.connections)),
        ports: Entries(borrow_pairs(&circuit.ports)),
    };
    // serde_json fails only on non-string map keys, and every key here is a string.
    let mut text = if options.pretty {
        serde_json::to_string_pretty(&file)
    } else {
        serde_json::to_string(&file)
    }
    .expect("a netlist always serializes to JSON");
    text.push('\n');
    text
}

fn borrow_pairs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect()
}

/// Describes each model and its settings.
fn components() -> Entries<&'static str, &'static str> {
    Entries(vec![
        (MZI, "2x2 MZI M(theta, phi); theta and phi in radians"),
        (
            PHASE_SHIFTER,
            "1x1, multiplies the field by exp(i phi); phi in radians",
        ),
        (
            ATTENUATOR,
            "1x1, multiplies the field by the amplitude transmission in [0, 1]",
        ),
        (
            CROSSING,
            "2x2 waveguide crossing [[0, 1], [1, 0]]: mode m leaves on m+1 and m+1 on m",
        ),
        (WAVEGUIDE, "1x1 ideal pass-through, transmission 1"),
    ])
}
