import { ActionIcon, Alert, Box, Button, Group, NativeSelect, Stack, Text, Tooltip } from '@mantine/core';
import { IconBolt, IconBoltOff, IconCamera, IconCameraOff, IconRefresh } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { createQrDecoder, type QrDecoder } from '../../lib/qr-decoder.js';

type CameraStatus =
  | { kind: 'starting' }
  | { kind: 'running' }
  | { kind: 'off' }
  | { kind: 'denied' }
  | { kind: 'no_camera' }
  | { kind: 'failed'; message: string };

/** Pause between two decoded frames (about 8 a second: quick enough, kind to the battery). */
const scanIntervalMs = 120;
/** Consecutive decoder errors before the page says the camera cannot read codes. */
const decoderFailureLimit = 10;
/** Frames are scaled down to at most this many pixels a side before decoding. */
const frameMax = 640;

function classifyStartError(error: unknown): CameraStatus {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return { kind: 'denied' };
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') {
    return { kind: 'no_camera' };
  }
  return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
}

interface TorchCapabilities {
  torch?: boolean;
}

/**
 * Continuous QR scanning with the rear camera: a frame's central square (the whole height of the
 * picture, so a code that fills it is read too) goes to the decoder about 8 times a second, and every
 * code read goes to `onCode`; the scan logic decides what is a new scan. Torch and camera choice where
 * the device has them; a clear message when the camera is blocked or missing (the page stays usable).
 */
export function DoorCamera({ onCode }: { onCode: (code: string) => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const trackRef = useRef<MediaStreamTrack | null>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  const [status, setStatus] = useState<CameraStatus>({ kind: 'starting' });
  const [enabled, setEnabled] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const [cameras, setCameras] = useState<{ id: string; label: string }[]>([]);
  const [cameraId, setCameraId] = useState('');
  const [hasFlash, setHasFlash] = useState(false);
  const [flashOn, setFlashOn] = useState(false);
  const [decoderBroken, setDecoderBroken] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` restarts the camera after "Try again"
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !enabled) {
      setStatus({ kind: 'off' });
      return;
    }
    let cancelled = false;
    let stream: MediaStream | null = null;
    let decoder: QrDecoder | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setStatus({ kind: 'starting' });
    setDecoderBroken(false);

    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setStatus({ kind: 'failed', message: 'This browser cannot use a camera on this page (it needs https).' });
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: cameraId
            ? { deviceId: { exact: cameraId } }
            : { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
        });
      } catch (error) {
        if (!cancelled) setStatus(classifyStartError(error));
        return;
      }
      if (cancelled) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      video.srcObject = stream;
      await video.play().catch(() => undefined);
      const track = stream.getVideoTracks()[0] ?? null;
      trackRef.current = track;
      setStatus({ kind: 'running' });
      setHasFlash((track?.getCapabilities?.() as TorchCapabilities | undefined)?.torch === true);
      setFlashOn(false);
      navigator.mediaDevices
        .enumerateDevices()
        .then((devices) => {
          if (cancelled) return;
          const inputs = devices.filter((d) => d.kind === 'videoinput' && d.deviceId);
          setCameras(inputs.map((d, i) => ({ id: d.deviceId, label: d.label || `Camera ${i + 1}` })));
        })
        .catch(() => undefined);

      decoder = await createQrDecoder();
      if (cancelled) {
        decoder.close();
        return;
      }
      const canvas = document.createElement('canvas');
      const context = canvas.getContext('2d', { willReadFrequently: true });
      let failures = 0;
      const scanFrame = async () => {
        if (cancelled || !context || !decoder) return;
        const { videoWidth: width, videoHeight: height } = video;
        if (!document.hidden && video.readyState >= 2 && width > 0 && height > 0) {
          const size = Math.min(width, height);
          const scaled = Math.min(size, frameMax);
          canvas.width = scaled;
          canvas.height = scaled;
          context.drawImage(video, (width - size) / 2, (height - size) / 2, size, size, 0, 0, scaled, scaled);
          try {
            const text = await decoder.decode(context.getImageData(0, 0, scaled, scaled));
            failures = 0;
            if (text && !cancelled) onCodeRef.current(text);
          } catch {
            failures += 1;
            if (failures === decoderFailureLimit && !cancelled) setDecoderBroken(true);
          }
        }
        if (!cancelled) timer = setTimeout(() => void scanFrame(), scanIntervalMs);
      };
      void scanFrame();
    };
    void start();

    return () => {
      cancelled = true;
      clearTimeout(timer);
      decoder?.close();
      for (const track of stream?.getTracks() ?? []) track.stop();
      video.srcObject = null;
      trackRef.current = null;
    };
  }, [enabled, attempt, cameraId]);

  const toggleFlash = async () => {
    const track = trackRef.current;
    if (!track) return;
    const next = !flashOn;
    try {
      await track.applyConstraints({ advanced: [{ torch: next } as MediaTrackConstraintSet] });
      setFlashOn(next);
    } catch {
      setHasFlash(false);
    }
  };

  const problem = cameraProblem(status);
  const running = status.kind === 'running';

  return (
    <Stack gap={6}>
      <Box
        pos="relative"
        bg="dark.8"
        style={{
          borderRadius: 'var(--mantine-radius-md)',
          overflow: 'hidden',
          aspectRatio: '4 / 3',
          maxHeight: 'min(34vh, 320px)',
          width: '100%',
        }}
      >
        <video
          ref={videoRef}
          muted
          playsInline
          aria-label="Camera picture: hold a ticket's QR code in view"
          style={{ width: '100%', height: '100%', objectFit: 'cover', display: running ? 'block' : 'none' }}
        />
        {running && <div className="door-camera-frame" aria-hidden />}
        {!running && (
          <Stack h="100%" align="center" justify="center" gap={4} p="sm" c="gray.1" ta="center">
            {status.kind === 'starting' ? (
              <IconCamera size={36} aria-hidden />
            ) : (
              <IconCameraOff size={36} aria-hidden />
            )}
            <Text size="sm" fw={600}>
              {status.kind === 'starting'
                ? 'Starting the camera…'
                : status.kind === 'off'
                  ? 'Camera off'
                  : 'No camera picture'}
            </Text>
          </Stack>
        )}
      </Box>
      {problem && (
        <Alert color="yellow" variant="light" p="xs" role="status" title={problem.title}>
          <Stack gap={6} align="flex-start">
            <Text size="sm">{problem.text}</Text>
            {problem.retry && (
              <Button
                size="xs"
                variant="default"
                leftSection={<IconRefresh size={14} aria-hidden />}
                onClick={() => setAttempt((n) => n + 1)}
              >
                Try the camera again
              </Button>
            )}
          </Stack>
        </Alert>
      )}
      {decoderBroken && running && (
        <Alert color="yellow" variant="light" p="xs" role="status" title="The camera cannot read codes here">
          <Text size="sm">This browser blocked the code reader. Use a handheld scanner or type the code below.</Text>
        </Alert>
      )}
      <Group gap="xs" wrap="nowrap">
        {cameras.length > 1 && (
          <NativeSelect
            aria-label="Camera"
            size="sm"
            style={{ flex: 1, minWidth: 0 }}
            value={cameraId}
            onChange={(e) => setCameraId(e.currentTarget.value)}
            data={[
              { value: '', label: 'Rear camera (default)' },
              ...cameras.map((c) => ({ value: c.id, label: c.label })),
            ]}
          />
        )}
        {hasFlash && running && (
          <Tooltip label={flashOn ? 'Torch off' : 'Torch on'}>
            <ActionIcon
              size={44}
              variant={flashOn ? 'filled' : 'default'}
              onClick={() => void toggleFlash()}
              aria-label={flashOn ? 'Turn the torch off' : 'Turn the torch on'}
              aria-pressed={flashOn}
            >
              {flashOn ? <IconBoltOff size={22} aria-hidden /> : <IconBolt size={22} aria-hidden />}
            </ActionIcon>
          </Tooltip>
        )}
        <Button
          variant="default"
          size="sm"
          ml="auto"
          leftSection={enabled ? <IconCameraOff size={16} aria-hidden /> : <IconCamera size={16} aria-hidden />}
          onClick={() => setEnabled((on) => !on)}
        >
          {enabled ? 'Camera off' : 'Camera on'}
        </Button>
      </Group>
    </Stack>
  );
}

function cameraProblem(status: CameraStatus): { title: string; text: string; retry: boolean } | null {
  switch (status.kind) {
    case 'denied':
      return {
        title: 'Camera blocked',
        text: 'Allow the camera for this page in the browser’s settings, then try again. Meanwhile, use a handheld scanner or type the code below.',
        retry: true,
      };
    case 'no_camera':
      return {
        title: 'No camera found',
        text: 'This device has no camera the browser can use. Use a handheld scanner or type the code below.',
        retry: true,
      };
    case 'failed':
      return {
        title: 'The camera did not start',
        text: `${status.message} Use a handheld scanner or type the code below.`,
        retry: true,
      };
    default:
      return null;
  }
}
