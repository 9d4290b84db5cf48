/**
 * Sound and vibration for the door's answers: a volunteer in a noisy room may not be looking at the
 * screen. Tones are made with Web Audio oscillators (no audio files to fetch); vibration uses
 * navigator.vibrate where the phone has it.
 */

export type FeedbackKind = 'admit' | 'refuse' | 'warn';

interface Tone {
  frequency: number;
  /** Seconds after the start. */
  at: number;
  duration: number;
  wave: OscillatorType;
}

/** Admit: two quick rising beeps and one short pulse. Refuse: a low double buzz and a long double pulse. */
export const feedbackPatterns: Record<FeedbackKind, { tones: Tone[]; vibrate: number[] }> = {
  admit: {
    tones: [
      { frequency: 880, at: 0, duration: 0.09, wave: 'sine' },
      { frequency: 1320, at: 0.11, duration: 0.16, wave: 'sine' },
    ],
    vibrate: [90],
  },
  refuse: {
    tones: [
      { frequency: 196, at: 0, duration: 0.3, wave: 'square' },
      { frequency: 196, at: 0.4, duration: 0.3, wave: 'square' },
    ],
    vibrate: [350, 150, 350],
  },
  warn: {
    tones: [
      { frequency: 660, at: 0, duration: 0.12, wave: 'triangle' },
      { frequency: 440, at: 0.16, duration: 0.12, wave: 'triangle' },
      { frequency: 330, at: 0.32, duration: 0.2, wave: 'triangle' },
    ],
    vibrate: [60, 60, 60, 60, 60],
  },
};

let audio: AudioContext | null = null;

/** Browsers start audio only after a tap or key press: call this from one (it is cheap to repeat). */
export function unlockDoorAudio(): void {
  try {
    if (!audio) {
      const Context =
        window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Context) return;
      audio = new Context();
    }
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = null;
  }
}

/** Plays the sound and the vibration of an answer, where the device allows. */
export function playFeedback(kind: FeedbackKind): void {
  const pattern = feedbackPatterns[kind];
  try {
    navigator.vibrate?.(pattern.vibrate);
  } catch {
    // Vibration is a nicety: some browsers throw without a user gesture.
  }
  if (audio?.state !== 'running') return;
  const start = audio.currentTime + 0.01;
  for (const tone of pattern.tones) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = tone.wave;
    oscillator.frequency.value = tone.frequency;
    const t0 = start + tone.at;
    const t1 = t0 + tone.duration;
    // A short fade in and out: no clicks.
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(tone.wave === 'square' ? 0.18 : 0.35, t0 + 0.01);
    gain.gain.setValueAtTime(tone.wave === 'square' ? 0.18 : 0.35, t1 - 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, t1);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(t0);
    oscillator.stop(t1 + 0.02);
  }
}
