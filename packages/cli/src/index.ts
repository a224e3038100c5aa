export { type DoctorCheck, type DoctorOptions, type DoctorReport, type Env, runDoctor } from './doctor.js';
export { formatReport } from './format.js';
export { main, type Output } from './main.js';
