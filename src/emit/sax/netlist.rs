//! Netlist construction: the devices of one optical stage, wired mode by mode.

use std::collections::HashMap;

use super::permutation::adjacent_transpositions;
use crate::ir::{Mesh, Op, OpKind};

/// Model names of the companion Python module, one per device type.
pub(super) const MZI: &str = "mzi";
pub(super) const PHASE_SHIFTER: &str = "phase_shifter";
pub(super) const ATTENUATOR: &str = "attenuator";
pub(super) const CROSSING: &str = "crossing";
pub(super) const WAVEGUIDE: &str = "waveguide";

/// One device of the netlist: its SAX model name and settings, in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Instance {
    pub name: String,
    pub component: &'static str,
    pub settings: Vec<(&'static str, f64)>,
}

/// The wired devices of one stage: everything of the netlist except its `info`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Circuit {
    /// Devices in propagation order.
    pub instances: Vec<Instance>,
    /// `(upstream "instance,port", downstream "instance,port")` pairs in propagation order.
    pub connections: Vec<(String, String)>,
    /// `(top-level port, "instance,port")` pairs, inputs then outputs, by port number.
    pub ports: Vec<(String, String)>,
    /// Product of the stage's electronic gains.
    pub gain: f64,
}

/// Origin of the light of one mode at the current point of the stage.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    /// Straight from the stage input of that mode, with no device yet.
    Input(usize),
    /// An output port of a placed device.
    Device { instance: usize, port: &'static str },
    /// No light: a mode added by a resize.
    Dark,
}

/// Places devices one after another and records how the modes flow between them.
struct Builder {
    instances: Vec<Instance>,
    connections: Vec<(String, String)>,
    /// For each stage input mode, the device port it enters, once known.
    input_ports: Vec<Option<String>>,
    modes: Vec<Source>,
    /// Next free layout column of each layer, so that device names stay unique.
    next_column: HashMap<String, usize>,
    gain: f64,
}

/// Builds the circuit of a run of linear operations acting on `input_modes` modes.
///
/// A validated network guarantees that the operations are linear and fit the mode count.
/// Any operation that does not is reported in the `Err` message.
pub(super) fn build(ops: &[Op], input_modes: usize) -> Result<Circuit, String> {
    let mut builder = Builder::new(input_modes);
    for op in ops {
        builder.place(op)?;
    }
    Ok(builder.finish())
}

impl Builder {
    fn new(input_modes: usize) -> Self {
        Builder {
            instances: Vec::new(),
            connections: Vec::new(),
            input_ports: vec![None; input_modes],
            modes: (0..input_modes).map(Source::Input).collect(),
            next_column: HashMap::new(),
            gain: 1.0,
        }
    }

    /// Places the devices of one operation.
    fn place(&mut self, op: &Op) -> Result<(), String> {
        let layer = op.layer.as_str();
        let column = self.next_column.get(layer).copied().unwrap_or(0);
        let width = self.modes.len();
        let used_columns = match &op.kind {
            OpKind::Mesh(mesh) => self.place_mesh(layer, column, mesh)?,
            OpKind::Phase(phases) => {
                check_width("phases", phases.len(), width)?;
                for (mode, &phi) in phases.iter().enumerate() {
                    let name = device_name(layer, "ps", column, mode);
                    self.one_port(mode, name, PHASE_SHIFTER, vec![("phi", phi)]);
                }
                1
            }
            OpKind::Attenuation(transmissions) => {
                check_width("transmissions", transmissions.len(), width)?;
                for (mode, &transmission) in transmissions.iter().enumerate() {
                    let name = device_name(layer, "att", column, mode);
                    let settings = vec![("transmission", transmission)];
                    self.one_port(mode, name, ATTENUATOR, settings);
                }
                1
            }
            OpKind::Permutation(permutation) => {
                check_width("permutation entries", permutation.len(), width)?;
                let columns = adjacent_transpositions(permutation)
                    .ok_or_else(|| format!("{permutation:?} is not a permutation"))?;
                for (offset, tops) in columns.iter().enumerate() {
                    for &top in tops {
                        let name = device_name(layer, "x", column + offset, top);
                        self.two_port(top, name, CROSSING, Vec::new());
                    }
                }
                columns.len()
            }
            OpKind::Resize { modes } => {
                self.resize(*modes);
                0
            }
            OpKind::Gain(gain) => {
                self.gain *= gain;
                0
            }
            OpKind::Unitary(_) => {
                return Err(format!(
                    "layer `{layer}` still holds a unitary; SAX netlists need it decomposed \
                     into an MZI mesh"
                ));
            }
            OpKind::Activation(_) | OpKind::Detect => {
                return Err(format!(
                    "the nonlinear `{}` of layer `{layer}` has no passive SAX model",
                    op.kind.name()
                ));
            }
            OpKind::QubitUnitary { .. }
            | OpKind::Circuit(_)
            | OpKind::Trace { .. }
            | OpKind::Measure => {
                return Err(format!(
                    "the quantum operation `{}` of layer `{layer}` has no optical model",
                    op.kind.name()
                ));
            }
        };
        self.next_column
            .insert(layer.to_string(), column + used_columns);
        Ok(())
    }

    /// Places a mesh's MZIs at their columns after `column`, then its output phase screen;
    /// returns the number of columns used.
    fn place_mesh(&mut self, layer: &str, column: usize, mesh: &Mesh) -> Result<usize, String> {
        let width = self.modes.len();
        check_width("mesh modes", mesh.modes, width)?;
        check_width("output phases", mesh.output_phases.len(), width)?;
        for mzi in &mesh.mzis {
            if mzi.top + 1 >= width {
                return Err(format!(
                    "an MZI on modes {} and {} does not fit {width} modes",
                    mzi.top,
                    mzi.top + 1
                ));
            }
            let name = device_name(layer, "mzi", column + mzi.column, mzi.top);
            let settings = vec![("theta", mzi.theta), ("phi", mzi.phi)];
            self.two_port(mzi.top, name, MZI, settings);
        }
        let screen = column + mesh.columns();
        for (mode, &phi) in mesh.output_phases.iter().enumerate() {
            let name = device_name(layer, "ps", screen, mode);
            self.one_port(mode, name, PHASE_SHIFTER, vec![("phi", phi)]);
        }
        Ok(mesh.columns() + 1)
    }

    fn add_instance(
        &mut self,
        name: String,
        component: &'static str,
        settings: Vec<(&'static str, f64)>,
    ) -> usize {
        self.instances.push(Instance {
            name,
            component,
            settings,
        });
        self.instances.len() - 1
    }

    /// Sends the light of `mode` into an input port of an instance.
    fn feed(&mut self, mode: usize, instance: usize, port: &'static str) {
        let target = self.endpoint(instance, port);
        match std::mem::replace(&mut self.modes[mode], Source::Dark) {
            Source::Input(input) => self.input_ports[input] = Some(target),
            Source::Device { instance, port } => {
                let source = self.endpoint(instance, port);
                self.connections.push((source, target));
            }
            // A dark mode leaves the input port unconnected.
            Source::Dark => {}
        }
    }

    /// Places a 2×2 device on modes `top` and `top + 1`: o1 and o2 take modes `top` and
    /// `top + 1`, which leave through o4 and o3.
    fn two_port(
        &mut self,
        top: usize,
        name: String,
        component: &'static str,
        settings: Vec<(&'static str, f64)>,
    ) {
        let instance = self.add_instance(name, component, settings);
        self.feed(top, instance, "o1");
        self.feed(top + 1, instance, "o2");
        self.modes[top + 1] = Source::Device {
            instance,
            port: "o3",
        };
        self.modes[top] = Source::Device {
            instance,
            port: "o4",
        };
    }

    /// Places a 1×1 device on `mode`: the light enters o1 and leaves o2.
    fn one_port(
        &mut self,
        mode: usize,
        name: String,
        component: &'static str,
        settings: Vec<(&'static str, f64)>,
    ) {
        let instance = self.add_instance(name, component, settings);
        self.feed(mode, instance, "o1");
        self.modes[mode] = Source::Device {
            instance,
            port: "o2",
        };
    }

    /// Puts a waveguide on a mode that still comes straight from the stage input, so that
    /// the input has a device port to enter. Other modes are left as they are.
    fn pass_through(&mut self, mode: usize) {
        if let Source::Input(input) = self.modes[mode] {
            self.one_port(mode, format!("wg_in_m{input}"), WAVEGUIDE, Vec::new());
        }
    }

    /// Terminates the modes from `modes` on and adds dark modes up to `modes`.
    fn resize(&mut self, modes: usize) {
        for mode in modes..self.modes.len() {
            // The waveguide's output stays unconnected, which terminates the mode.
            self.pass_through(mode);
        }
        self.modes.resize(modes, Source::Dark);
    }

    /// Names the top-level ports: inputs o1…oN for modes 0…N−1, then outputs o(N+1)…o(N+M)
    /// for modes M−1 down to 0.
    fn finish(mut self) -> Circuit {
        let outputs = self.modes.len();
        for mode in 0..outputs {
            self.pass_through(mode);
            if self.modes[mode] == Source::Dark {
                self.one_port(mode, format!("wg_dark_m{mode}"), WAVEGUIDE, Vec::new());
            }
        }
        let inputs = self.input_ports.len();
        let mut ports = Vec::with_capacity(inputs + outputs);
        for (mode, target) in self.input_ports.iter().enumerate() {
            // Every input mode enters a device: `resize` and the loop above give the ones
            // that reach no other device a waveguide.
            if let Some(target) = target {
                ports.push((port_name(mode + 1), target.clone()));
            }
        }
        for mode in (0..outputs).rev() {
            if let Source::Device { instance, port } = self.modes[mode] {
                let number = inputs + outputs - mode;
                ports.push((port_name(number), self.endpoint(instance, port)));
            }
        }
        Circuit {
            instances: self.instances,
            connections: self.connections,
            ports,
            gain: self.gain,
        }
    }

    fn endpoint(&self, instance: usize, port: &str) -> String {
        format!("{},{port}", self.instances[instance].name)
    }
}

/// Names a device `{layer}_{kind}_c{column}_m{mode}`, with `mode` its lowest mode.
///
/// Layer names are unique within a network and each layer's columns are distinct, so names
/// are unique: the suffix `_{kind}_c{column}_m{mode}` has a fixed form, so a name splits back
/// into its parts from the right. The pass-through names `wg_in_m{j}` and `wg_dark_m{k}` lack
/// the `_c{column}` part and never collide with these.
fn device_name(layer: &str, kind: &str, column: usize, mode: usize) -> String {
    // SAX passes instance names to Python as keyword arguments, so a fused layer name such as
    // `u+p` must become an identifier: `+` turns into `_`.
    let layer: String = layer
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{layer}_{kind}_c{column}_m{mode}")
}

/// Returns the gdsfactory-style port name `o{number}`, numbered from 1.
pub(super) fn port_name(number: usize) -> String {
    format!("o{number}")
}

fn check_width(what: &str, found: usize, width: usize) -> Result<(), String> {
    if found == width {
        Ok(())
    } else {
        Err(format!("{found} {what} on {width} modes"))
    }
}
